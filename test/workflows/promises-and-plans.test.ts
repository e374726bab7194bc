import { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays, type LocalDate } from '../../domain/calendar';
import type { Customer } from '../../domain/invoice';
import { formatLocalDate } from '../../activities/email-templates';
import { rejectionTypes } from '../../workflows/messages';
import {
  InvoiceScenario,
  invoiceTerms,
  localClock,
  nineAm,
  upcomingMonday,
  useCollectionStack,
} from '../support/lifecycle';

// Eight or seven hours behind UTC, with a change of clocks every spring and autumn.
const losAngelesCustomer: Customer = {
  id: 'cust-silverlake-roasters',
  name: 'Silver Lake Roasters LLC',
  email: 'ap@silverlake-roasters.example',
  timeZone: 'America/Los_Angeles',
};

const stack = useCollectionStack();

/** Issued Monday M, due Wednesday M+30, the customer in Los Angeles. */
async function losAngelesInvoice(invoiceId: string) {
  const monday = await upcomingMonday(stack.env);
  const scenario = await InvoiceScenario.start(
    stack,
    invoiceTerms(invoiceId, monday, { customer: losAngelesCustomer }),
  );
  return { monday, scenario };
}

const throughFriendlyReminder = (monday: LocalDate) => [
  nineAm(monday, 0, 'invoice'),
  nineAm(monday, 28, 'comingDue'),
  nineAm(monday, 31, 'friendlyReminder'),
];

const throughFirmReminder = (monday: LocalDate) => [
  ...throughFriendlyReminder(monday),
  nineAm(monday, 37, 'secondReminder'),
  nineAm(monday, 44, 'firmReminder'),
];

describe('a promise to pay', () => {
  test('pauses reminders until the promised date plus grace; broken, it opens a task and the ladder resumes', async () => {
    const { monday, scenario } = await losAngelesInvoice('promise-broken');
    await scenario.skipTo(addDays(monday, 33));
    const promisedDate = addDays(monday, 40);
    const view = await scenario.update('promiseToPay', { promisedDate, note: 'Payment run next Friday' });
    expect(view.status).toBe('promised');
    expect(view.promise).toMatchObject({ promisedDate, amount: 120_000 });
    // Saturday M+40 plus 3 days' grace is Tuesday M+43
    expect(localClock(Date.parse(view.nextAction!.at), losAngelesCustomer.timeZone)).toBe(
      `${addDays(monday, 43)} 09:00`,
    );
    expect(view.nextAction?.kind).toBe('promiseLapse');

    await scenario.skipTo(addDays(monday, 42));
    expect(await scenario.emails()).toEqual(throughFriendlyReminder(monday));

    await scenario.skipTo(addDays(monday, 71));
    // 10 days on hold (M+33 → M+43) move each stage to a Saturday or a Monday:
    // M+37 → M+47, a Saturday, so M+49; M+44 → M+54, a Saturday, so M+56; M+60 → M+70.
    expect(await scenario.emails()).toEqual([
      ...throughFriendlyReminder(monday),
      nineAm(monday, 49, 'secondReminder'),
      nineAm(monday, 56, 'firmReminder'),
      nineAm(monday, 70, 'finalNotice'),
    ]);
    expect(await scenario.timelineOf('promise.made', 'promise.broken', 'hold.ended')).toEqual([
      `${addDays(monday, 33)} 12:00 promise.made`,
      `${addDays(monday, 43)} 09:00 promise.broken`,
      `${addDays(monday, 43)} 09:00 hold.ended`,
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'promiseBroken', role: 'manager', status: 'open' },
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('made and broken before the due date, it delays nothing after the due date', async () => {
    const { monday, scenario } = await losAngelesInvoice('promise-before-due');
    await scenario.skipTo(addDays(monday, 21));
    await scenario.update('promiseToPay', { promisedDate: addDays(monday, 25) });
    await scenario.skipTo(addDays(monday, 45));
    // Friday M+25 + 3 days' grace: Monday M+28, before the due date (M+30), so no stage moves: the courtesy
    // email (M+27, a Sunday) goes out that Monday and the ladder keeps its days.
    expect(await scenario.emails()).toEqual([
      nineAm(monday, 0, 'invoice'),
      nineAm(monday, 28, 'comingDue'),
      nineAm(monday, 31, 'friendlyReminder'),
      nineAm(monday, 37, 'secondReminder'),
      nineAm(monday, 44, 'firmReminder'),
    ]);
    expect((await scenario.projectedTimeline()).filter((entry) => entry.type === 'stage.skipped')).toEqual(
      [],
    );
    expect(await scenario.tasks()).toEqual([
      { kind: 'promiseBroken', role: 'manager', status: 'open' },
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
    ]);
  });

  test('kept by paying in full, the invoice closes and nothing more is sent', async () => {
    const { monday, scenario } = await losAngelesInvoice('promise-kept');
    await scenario.skipTo(addDays(monday, 33));
    await scenario.update('promiseToPay', { promisedDate: addDays(monday, 40) });
    await scenario.skipTo(addDays(monday, 39));
    await scenario.update('recordPayment', { reference: 'ach-5521', amount: 120_000, currency: 'EUR' });
    expect(await scenario.result()).toMatchObject({ status: 'paid', promise: null });
    await scenario.skipTo(addDays(monday, 100));
    expect(await scenario.emails()).toEqual(throughFriendlyReminder(monday));
    expect(await scenario.tasks()).toEqual([]);
  });
});

describe('a payment plan', () => {
  // Fridays M+53, M+67, M+81; reminders the Tuesdays before, M+50, M+64, M+78.
  const installmentsFrom = (monday: LocalDate) => [
    { dueDate: addDays(monday, 53), amount: 40_000 },
    { dueDate: addDays(monday, 67), amount: 40_000 },
    { dueDate: addDays(monday, 81), amount: 40_000 },
  ];

  test('whose installments do not sum to the balance is refused, and nothing changes', async () => {
    const { monday, scenario } = await losAngelesInvoice('plan-wrong-sum');
    await scenario.skipTo(addDays(monday, 45));
    const invoiceId = scenario.terms.invoiceId;
    const rowBefore = await stack.database.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    const timelineBefore = await scenario.projectedTimeline();
    const refusal = await scenario
      .update('acceptPaymentPlan', {
        installments: installmentsFrom(monday).map((installment) => ({ ...installment, amount: 30_000 })),
      })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({
      type: rejectionTypes.invalid,
      message:
        'Installments sum to 90000 but the balance is 120000; make them add up to the balance exactly.',
    });
    expect(await scenario.state()).toMatchObject({
      status: 'open',
      balance: 120_000,
      paymentPlan: null,
      stateSequence: rowBefore.stateSequence,
    });
    expect(await scenario.timeline()).toEqual(timelineBefore);
    await scenario.settle();
    expect(await stack.database.db.invoice.findUniqueOrThrow({ where: { id: invoiceId } })).toEqual(
      rowBefore,
    );
    expect(await stack.database.db.paymentPlan.count({ where: { invoiceId } })).toBe(0);
  });

  test('sends a reminder 3 days before each installment; paid installment by installment, it closes the invoice as paid', async () => {
    const { monday, scenario } = await losAngelesInvoice('plan-completed');
    await scenario.skipTo(addDays(monday, 45));
    const installments = installmentsFrom(monday);
    const view = await scenario.update('acceptPaymentPlan', { installments });
    expect(view).toMatchObject({
      status: 'on_plan',
      nextAction: { kind: 'installmentReminder', installment: 1 },
    });

    for (const [index, installment] of installments.entries()) {
      await scenario.skipTo(installment.dueDate);
      await scenario.update('recordPayment', {
        reference: `plan-installment-${index + 1}`,
        amount: installment.amount,
        currency: 'EUR',
      });
    }
    expect(await scenario.result()).toMatchObject({ status: 'paid', balance: 0, amountPaid: 120_000 });
    await scenario.skipTo(addDays(monday, 150));

    expect(await scenario.emails()).toEqual([
      ...throughFirmReminder(monday),
      nineAm(monday, 50, 'plan-1-installment-1'),
      nineAm(monday, 64, 'plan-1-installment-2'),
      nineAm(monday, 78, 'plan-1-installment-3'),
    ]);
    const second = scenario.messages('plan-1-installment-2')[0];
    expect(second?.Subject).toBe(
      `Payment plan for invoice INV-plan-completed: installment 2 of 3 (€400.00) due ${formatLocalDate(installments[1]!.dueDate)}`,
    );
    expect(second?.TextBody).toMatch(/Balance on the invoice: +€800\.00\n/);

    const plan = await stack.database.db.paymentPlan.findFirstOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
      include: { installments: { orderBy: { sequence: 'asc' } } },
    });
    expect(plan.status).toBe('completed');
    expect(
      plan.installments.map(({ sequence, amount, paidAmount, status }) => ({
        sequence,
        amount,
        paidAmount,
        status,
      })),
    ).toEqual([
      { sequence: 1, amount: 40_000n, paidAmount: 40_000n, status: 'paid' },
      { sequence: 2, amount: 40_000n, paidAmount: 40_000n, status: 'paid' },
      { sequence: 3, amount: 40_000n, paidAmount: 40_000n, status: 'paid' },
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('a missed installment defaults the plan after grace and escalation resumes from where it stood', async () => {
    const { monday, scenario } = await losAngelesInvoice('plan-defaulted');
    await scenario.skipTo(addDays(monday, 45));
    const installments = installmentsFrom(monday);
    await scenario.update('acceptPaymentPlan', { installments });
    await scenario.skipTo(installments[0]!.dueDate);
    await scenario.update('recordPayment', {
      reference: 'plan-installment-1',
      amount: 40_000,
      currency: 'EUR',
    });

    await scenario.skipTo(addDays(monday, 88));
    // Installment 2 (Friday M+67) + 5 days' grace = Wednesday M+72: the plan defaults. It ran 27 days
    // (M+45 → M+72), so the final notice, 15 days away when the plan began, comes 15 days later: M+87.
    expect(await scenario.timelineOf('plan.accepted', 'plan.defaulted', 'hold.ended')).toEqual([
      `${addDays(monday, 45)} 12:00 plan.accepted`,
      `${addDays(monday, 72)} 09:00 plan.defaulted`,
      `${addDays(monday, 72)} 09:00 hold.ended`,
    ]);
    expect(await scenario.emails()).toEqual([
      ...throughFirmReminder(monday),
      nineAm(monday, 50, 'plan-1-installment-1'),
      nineAm(monday, 64, 'plan-1-installment-2'),
      nineAm(monday, 87, 'finalNotice'),
    ]);
    expect(scenario.messages('finalNotice')[0]?.TextBody).toContain(
      'We have received €400.00 so far, thank you; €800.00 of the €1,200.00 invoice remains to be paid.',
    );
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'planDefaulted', role: 'manager', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);
    const plan = await stack.database.db.paymentPlan.findFirstOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
    });
    expect(plan.status).toBe('defaulted');
    expect(await scenario.state()).toMatchObject({ status: 'open', balance: 80_000, paymentPlan: null });

    // M+75 + 27 = M+102, a Friday; the last response (the installment paid at M+53) is 49 days back.
    await scenario.skipTo(addDays(monday, 103));
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([
      `${addDays(monday, 102)} 09:00 agency.handedOff`,
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });
});
