import { formatLocalDate } from '../../activities/email-templates';
import { addDays, type LocalDate } from '../../domain/calendar';
import type { Customer } from '../../domain/invoice';
import {
  InvoiceScenario,
  invoiceTerms,
  upcomingMonday,
  useCollectionStack,
  nineAm,
} from '../support/lifecycle';

const tokyoCustomer: Customer = {
  id: 'cust-shibuya-bento',
  name: 'Shibuya Bento G.K.',
  email: 'shiharai@shibuya-bento.example',
  timeZone: 'Asia/Tokyo',
};

const stack = useCollectionStack();

/** Issued Monday M, due Wednesday M+30, the customer in Tokyo. */
async function tokyoInvoice(invoiceId: string) {
  const monday = await upcomingMonday(stack.env);
  const scenario = await InvoiceScenario.start(
    stack,
    invoiceTerms(invoiceId, monday, { customer: tokyoCustomer }),
  );
  return { monday, scenario };
}

const throughFriendlyReminder = (monday: LocalDate) => [
  nineAm(monday, 0, 'invoice'),
  nineAm(monday, 28, 'comingDue'),
  nineAm(monday, 31, 'friendlyReminder'),
];

describe('an amendment', () => {
  test('to a later due date re-plans every stage still to come from the new date', async () => {
    const { monday, scenario } = await tokyoInvoice('amend-later');
    await scenario.skipTo(addDays(monday, 10));
    const newDueDate = addDays(monday, 44);
    const view = await scenario.update('amend', {
      dueDate: newDueDate,
      reason: 'Extended terms agreed by phone',
    });
    expect(view).toMatchObject({ dueDate: newDueDate, status: 'open', nextAction: { stage: 'comingDue' } });

    await scenario.skipTo(addDays(monday, 75));
    expect(await scenario.emails()).toEqual([
      nineAm(monday, 0, 'invoice'),
      // M+41 is a Sunday
      nineAm(monday, 42, 'comingDue'),
      nineAm(monday, 45, 'friendlyReminder'),
      nineAm(monday, 51, 'secondReminder'),
      nineAm(monday, 58, 'firmReminder'),
      nineAm(monday, 74, 'finalNotice'),
    ]);
    expect(scenario.messages('friendlyReminder')[0]?.TextBody).toContain(
      `was due on ${formatLocalDate(newDueDate)} and is now 1 day overdue`,
    );
    const amended = (await scenario.timeline()).find((entry) => entry.type === 'invoice.amended');
    expect(amended).toMatchObject({
      summary: 'Invoice amended: Extended terms agreed by phone',
      data: { dueDate: { from: addDays(monday, 30), to: newDueDate } },
    });
    const row = await stack.database.db.invoice.findUniqueOrThrow({
      where: { id: scenario.terms.invoiceId },
    });
    expect(row.dueDate.toISOString().slice(0, 10)).toBe(newDueDate);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('to an earlier due date sends only the latest stage now overdue, at the next send hour, and never the skipped ones', async () => {
    const { monday, scenario } = await tokyoInvoice('amend-earlier');
    await scenario.skipTo(addDays(monday, 35));
    await scenario.update('amend', { dueDate: addDays(monday, 16), reason: 'Terms were 14 days, not 30' });
    await scenario.skipTo(addDays(monday, 53));
    expect(await scenario.emails()).toEqual([
      ...throughFriendlyReminder(monday),
      // second (M+23) and firm (M+30) are both overdue at noon on M+35: the firm reminder waits for the
      // next send hour, Tuesday M+36 09:00; the second reminder never goes
      nineAm(monday, 36, 'firmReminder'),
      // the firm reminder went 6 days late, so the final notice keeps its spacing: M+16+30+6 = M+52, a Thursday
      nineAm(monday, 52, 'finalNotice'),
    ]);
    expect(scenario.messages('secondReminder')).toEqual([]);
    expect(await scenario.timelineOf('stage.skipped')).toEqual([
      `${addDays(monday, 36)} 09:00 stage.skipped`,
    ]);
    expect(await scenario.tasks()).toEqual([{ kind: 'finalNoticeCall', role: 'manager', status: 'open' }]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('to a new amount recomputes the balance from the payments so far, and later emails ask for it', async () => {
    const { monday, scenario } = await tokyoInvoice('amend-amount');
    await scenario.skipTo(addDays(monday, 32));
    await scenario.update('recordPayment', { reference: 'jp-bank-1', amount: 30_000, currency: 'EUR' });
    await scenario.skipTo(addDays(monday, 34));
    const view = await scenario.update('amend', { amount: 100_000, reason: 'Volume discount applied' });
    expect(view).toMatchObject({ originalAmount: 100_000, amountPaid: 30_000, balance: 70_000 });

    await scenario.skipTo(addDays(monday, 38));
    expect(await scenario.emails()).toEqual([
      ...throughFriendlyReminder(monday),
      nineAm(monday, 37, 'secondReminder'),
    ]);
    expect(scenario.messages('secondReminder')[0]?.TextBody).toContain(
      'We have received €300.00 so far, thank you; €700.00 of the €1,000.00 invoice remains to be paid.',
    );
    const row = await stack.database.db.invoice.findUniqueOrThrow({
      where: { id: scenario.terms.invoiceId },
    });
    expect(row).toMatchObject({ originalAmount: 100_000n, balance: 70_000n });
    expect(
      (await scenario.projectedTimeline()).find((entry) => entry.type === 'invoice.amended'),
    ).toMatchObject({
      summary: 'Invoice amended: Volume discount applied',
      data: { amount: { from: 120_000, to: 100_000 } },
    });
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('to the customer email sends every later email to the new address', async () => {
    const { monday, scenario } = await tokyoInvoice('amend-email');
    await scenario.skipTo(addDays(monday, 33));
    await scenario.update('amend', {
      customerEmail: 'keiri@shibuya-bento.example',
      reason: 'New AP mailbox',
    });
    await scenario.skipTo(addDays(monday, 45));
    expect(scenario.messages().map((message) => [message.Metadata.stage, message.To])).toEqual([
      ['invoice', tokyoCustomer.email],
      ['comingDue', tokyoCustomer.email],
      ['friendlyReminder', tokyoCustomer.email],
      ['secondReminder', 'keiri@shibuya-bento.example'],
      ['firmReminder', 'keiri@shibuya-bento.example'],
    ]);
  });
});

describe('closing by billing or by a manager', () => {
  test('a cancel signal voids the invoice: nothing more is sent and open tasks are cancelled', async () => {
    const { monday, scenario } = await tokyoInvoice('cancelled');
    await scenario.skipTo(addDays(monday, 40));
    await scenario.signal('cancel', { reason: 'Duplicate of INV-4410', actor: 'billing-system' });
    expect(await scenario.result()).toMatchObject({
      status: 'cancelled',
      closedReason: 'Duplicate of INV-4410',
    });
    await scenario.skipTo(addDays(monday, 140));
    expect(await scenario.emails()).toEqual([
      ...throughFriendlyReminder(monday),
      nineAm(monday, 37, 'secondReminder'),
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
    ]);
    expect((await scenario.timeline()).at(-1)).toMatchObject({
      type: 'invoice.cancelled',
      actor: 'billing-system',
      summary: 'Invoice cancelled: Duplicate of INV-4410',
    });
    const row = await stack.database.db.invoice.findUniqueOrThrow({
      where: { id: scenario.terms.invoiceId },
    });
    expect(row).toMatchObject({ status: 'cancelled', nextActionAt: null });
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('a write-off closes the invoice with its balance on record', async () => {
    const { monday, scenario } = await tokyoInvoice('written-off');
    await scenario.skipTo(addDays(monday, 61));
    const view = await scenario.update('writeOff', {
      reason: 'Customer insolvent',
      actor: 'manager@harbour.example',
    });
    expect(view).toMatchObject({ status: 'written_off', balance: 120_000 });
    expect(await scenario.result()).toMatchObject({ status: 'written_off' });
    await scenario.skipTo(addDays(monday, 120));
    expect(
      await stack.database.db.agencyHandoff.count({ where: { invoiceId: scenario.terms.invoiceId } }),
    ).toBe(0);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'cancelled' },
    ]);
    expect((await scenario.timeline()).at(-1)).toMatchObject({
      type: 'invoice.writtenOff',
      actor: 'manager@harbour.example',
      summary: 'Written off (120000): Customer insolvent',
    });
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });
});

describe('pause and resume', () => {
  test('pausing by hand holds every reminder; resuming moves the rest back by the days paused', async () => {
    const { monday, scenario } = await tokyoInvoice('paused');
    await scenario.skipTo(addDays(monday, 35));
    const paused = await scenario.update('pause', { reason: 'Customer changing banks' });
    expect(paused).toMatchObject({
      status: 'paused',
      pausedReason: 'Customer changing banks',
      nextAction: null,
    });
    await scenario.skipTo(addDays(monday, 42));
    expect(await scenario.emails()).toEqual(throughFriendlyReminder(monday));
    const resumed = await scenario.update('resume', { note: 'New account confirmed' });
    expect(resumed).toMatchObject({
      status: 'open',
      pausedReason: null,
      nextAction: { stage: 'secondReminder' },
    });

    await scenario.skipTo(addDays(monday, 68));
    // 7 days paused: M+37 → M+44, M+44 → M+51, M+60 → M+67
    expect(await scenario.emails()).toEqual([
      ...throughFriendlyReminder(monday),
      nineAm(monday, 44, 'secondReminder'),
      nineAm(monday, 51, 'firmReminder'),
      nineAm(monday, 67, 'finalNotice'),
    ]);
    expect(await scenario.timelineOf('ladder.paused', 'ladder.resumed', 'hold.ended')).toEqual([
      `${addDays(monday, 35)} 12:00 ladder.paused`,
      `${addDays(monday, 42)} 12:00 ladder.resumed`,
      `${addDays(monday, 42)} 12:00 hold.ended`,
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });
});
