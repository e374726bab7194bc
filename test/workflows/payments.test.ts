import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addDays, type LocalDate } from '../../domain/calendar';
import type { Customer } from '../../domain/invoice';
import { rejectionTypes } from '../../workflows/messages';
import { InvoiceScenario, invoiceTerms, upcomingMonday, useCollectionStack } from '../support/lifecycle';

// Far from UTC: 09:00 in Tokyo is midnight UTC.
const tokyoCustomer: Customer = {
  id: 'cust-kissa-hoshi',
  name: 'Kissa Hoshi K.K.',
  email: 'keiri@kissa-hoshi.example',
  timeZone: 'Asia/Tokyo',
};

const stack = useCollectionStack();

/** Issue date is a Monday M; due M+30 is a Wednesday. The ladder at 09:00 Tokyo time. */
const ladder = (monday: LocalDate) => ({
  invoice: `${monday} 09:00 invoice`,
  // M+27 is a Sunday
  comingDue: `${addDays(monday, 28)} 09:00 comingDue`,
  friendlyReminder: `${addDays(monday, 31)} 09:00 friendlyReminder`,
  secondReminder: `${addDays(monday, 37)} 09:00 secondReminder`,
  firmReminder: `${addDays(monday, 44)} 09:00 firmReminder`,
  finalNotice: `${addDays(monday, 60)} 09:00 finalNotice`,
});

async function startTokyoInvoice(invoiceId: string) {
  const monday = await upcomingMonday(stack.env);
  const scenario = await InvoiceScenario.start(
    stack,
    invoiceTerms(invoiceId, monday, { customer: tokyoCustomer }),
  );
  return { monday, scenario, stages: ladder(monday) };
}

describe('full payment', () => {
  test('recorded by update mid-ladder: nothing is sent afterwards, the workflow completes as paid, open tasks are cancelled', async () => {
    const { monday, scenario, stages } = await startTokyoInvoice('pay-update');
    await scenario.skipTo(addDays(monday, 40));
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
    ]);

    const view = await scenario.update('recordPayment', {
      reference: 'mizuho-0412',
      amount: 120_000,
      currency: 'EUR',
    });
    expect(view).toMatchObject({ status: 'paid', balance: 0, amountPaid: 120_000, overpaid: 0 });
    expect(await scenario.result()).toMatchObject({ status: 'paid', balance: 0 });

    await scenario.skipTo(addDays(monday, 130));
    expect(await scenario.emails()).toEqual([
      stages.invoice,
      stages.comingDue,
      stages.friendlyReminder,
      stages.secondReminder,
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
    ]);
    const invoiceRow = await stack.database.db.invoice.findUniqueOrThrow({
      where: { id: scenario.terms.invoiceId },
    });
    expect(invoiceRow).toMatchObject({ status: 'paid', balance: 0n, nextActionAt: null });
    expect((await scenario.timeline()).slice(-2).map((entry) => entry.type)).toEqual([
      'payment.recorded',
      'invoice.paid',
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('received as the paymentReceived signal after the firm reminder: nothing is sent afterwards', async () => {
    const { monday, scenario, stages } = await startTokyoInvoice('pay-signal');
    await scenario.skipTo(addDays(monday, 45));
    await scenario.signal('recordPayment', { reference: 'smbc-7781', amount: 120_000, currency: 'EUR' });
    expect(await scenario.result()).toMatchObject({ status: 'paid', balance: 0, amountPaid: 120_000 });

    await scenario.skipTo(addDays(monday, 135));
    expect(await scenario.emails()).toEqual([
      stages.invoice,
      stages.comingDue,
      stages.friendlyReminder,
      stages.secondReminder,
      stages.firmReminder,
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
    ]);
    expect(
      await stack.database.db.agencyHandoff.count({ where: { invoiceId: scenario.terms.invoiceId } }),
    ).toBe(0);
  });

  test('an overpayment closes the invoice as paid and records the overpaid amount', async () => {
    const { monday, scenario } = await startTokyoInvoice('pay-over');
    await scenario.skipTo(addDays(monday, 33));
    await scenario.update('recordPayment', { reference: 'wire-1', amount: 130_000, currency: 'EUR' });
    expect(await scenario.result()).toMatchObject({
      status: 'paid',
      balance: 0,
      amountPaid: 130_000,
      overpaid: 10_000,
    });
    const payment = (await scenario.timeline()).find((entry) => entry.type === 'payment.recorded');
    expect(payment).toMatchObject({
      summary: 'Payment of 130000 received (reference wire-1); balance 0; overpaid by 10000',
      data: { reference: 'wire-1', amount: 130_000, balance: 0, overpaid: 10_000 },
    });
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });
});

describe('payment references', () => {
  test('a duplicate reference is harmless: the update answers the same state and one payment row is kept', async () => {
    const { monday, scenario } = await startTokyoInvoice('pay-duplicate');
    await scenario.skipTo(addDays(monday, 33));
    const first = await scenario.update('recordPayment', {
      reference: 'bank-77',
      amount: 50_000,
      currency: 'EUR',
    });
    const again = await scenario.update('recordPayment', {
      reference: 'bank-77',
      amount: 50_000,
      currency: 'EUR',
    });
    expect(again).toEqual(first);
    expect(again).toMatchObject({ balance: 70_000, amountPaid: 50_000 });
    await scenario.signal('recordPayment', { reference: 'bank-77', amount: 50_000, currency: 'EUR' });
    await scenario.settle();
    expect(await scenario.state()).toMatchObject({ balance: 70_000, stateSequence: first.stateSequence });

    const rows = await stack.database.db.payment.findMany({ where: { invoiceId: scenario.terms.invoiceId } });
    expect(rows.map(({ reference, amount }) => ({ reference, amount }))).toEqual([
      { reference: 'bank-77', amount: 50_000n },
    ]);
  });

  test('the same reference with a different amount is refused as a conflict, by update and by signal', async () => {
    const { monday, scenario } = await startTokyoInvoice('pay-conflict');
    await scenario.skipTo(addDays(monday, 33));
    const before = await scenario.update('recordPayment', {
      reference: 'bank-78',
      amount: 50_000,
      currency: 'EUR',
    });

    const refusal = await scenario
      .update('recordPayment', { reference: 'bank-78', amount: 60_000, currency: 'EUR' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refusal as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({
      type: rejectionTypes.conflict,
      message:
        'Payment reference bank-78 was already recorded with amount 50000; use a new reference for a different payment.',
    });
    expect(await scenario.state()).toEqual(before);

    // A signal cannot answer no: the refusal goes on the timeline instead of vanishing.
    await scenario.signal('recordPayment', { reference: 'bank-78', amount: 60_000, currency: 'EUR' });
    await scenario.settle();
    expect(await scenario.state()).toMatchObject({ balance: 70_000, amountPaid: 50_000 });
    expect((await scenario.timeline()).at(-1)).toMatchObject({
      type: 'command.refused',
      summary:
        'recordPayment refused: Payment reference bank-78 was already recorded with amount 50000; use a new reference for a different payment.',
      data: { command: 'recordPayment', kind: 'conflict' },
    });
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
    expect(await stack.database.db.payment.count({ where: { invoiceId: scenario.terms.invoiceId } })).toBe(1);
  });
});

describe('partial payment', () => {
  test('keeps the ladder on its days and the next emails ask for the reduced amount', async () => {
    const { monday, scenario, stages } = await startTokyoInvoice('pay-partial');
    await scenario.skipTo(addDays(monday, 33));
    const view = await scenario.update('recordPayment', {
      reference: 'bank-90',
      amount: 50_000,
      currency: 'EUR',
    });
    expect(view).toMatchObject({ status: 'open', balance: 70_000, amountPaid: 50_000 });

    await scenario.skipTo(addDays(monday, 61));
    expect(await scenario.emails()).toEqual(Object.values(stages));
    for (const stage of ['secondReminder', 'firmReminder', 'finalNotice']) {
      const [message] = scenario.messages(stage);
      expect(message?.TextBody).toContain(
        'We have received €500.00 so far, thank you; €700.00 of the €1,200.00 invoice remains to be paid.',
      );
      expect(message?.TextBody).toMatch(/Amount due: +€700\.00\n/);
    }
    expect(scenario.messages('friendlyReminder')[0]?.TextBody).toMatch(/Amount due: +€1,200\.00\n/);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);
  });

  test('a payment counts as a response: the agency hand-off waits 45 days from it and asks for the balance', async () => {
    const { monday, scenario } = await startTokyoInvoice('pay-partial-agency');
    await scenario.skipTo(addDays(monday, 33));
    await scenario.update('recordPayment', { reference: 'bank-91', amount: 50_000, currency: 'EUR' });
    await scenario.skipTo(addDays(monday, 80));
    // The hand-off was due M+45 after the due date (Saturday, so M+77), but the payment at M+33 12:00
    // keeps the account in-house until 45 days later: M+78 12:00, so the next send slot, M+79 09:00.
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([
      `${addDays(monday, 79)} 09:00 agency.handedOff`,
    ]);
    const handoff = await stack.database.db.agencyHandoff.findUniqueOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
    });
    expect(handoff.payload).toMatchObject({ amountDue: 70_000, daysOverdue: 49 });
  });
});
