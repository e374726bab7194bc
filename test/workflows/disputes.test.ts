import { addDays, type LocalDate } from '../../domain/calendar';
import {
  InvoiceScenario,
  invoiceTerms,
  upcomingMonday,
  useCollectionStack,
  nineAm,
} from '../support/lifecycle';

const stack = useCollectionStack();

/** A Berlin customer; issued Monday M, due Wednesday M+30; the dispute opens on Saturday M+33, after the friendly reminder. */
async function disputedInvoice(invoiceId: string) {
  const monday = await upcomingMonday(stack.env);
  const scenario = await InvoiceScenario.start(stack, invoiceTerms(invoiceId, monday));
  await scenario.skipTo(addDays(monday, 33));
  const view = await scenario.update('openDispute', { reason: 'Two crates of cups arrived broken' });
  return { monday, scenario, view };
}

const beforeDispute = (monday: LocalDate) => [
  nineAm(monday, 0, 'invoice'),
  nineAm(monday, 28, 'comingDue'),
  nineAm(monday, 31, 'friendlyReminder'),
];

describe('a dispute', () => {
  test('pauses every reminder at once and opens a manager review; upheld, it credits and closes the invoice', async () => {
    const { monday, scenario, view } = await disputedInvoice('dispute-upheld');
    expect(view).toMatchObject({
      status: 'disputed',
      dispute: { reason: 'Two crates of cups arrived broken' },
      nextAction: null,
    });
    await scenario.settle();
    expect(await scenario.tasks()).toEqual([{ kind: 'disputeReview', role: 'manager', status: 'open' }]);

    // Every stage from the second reminder to the hand-off would have fallen in these 70 days.
    await scenario.skipTo(addDays(monday, 103));
    expect(await scenario.emails()).toEqual(beforeDispute(monday));
    expect(
      await stack.database.db.agencyHandoff.count({ where: { invoiceId: scenario.terms.invoiceId } }),
    ).toBe(0);

    const resolved = await scenario.update('resolveDispute', {
      resolution: 'upheld',
      note: 'Photos confirm damage',
    });
    expect(resolved).toMatchObject({
      status: 'credited',
      closedReason: 'dispute upheld: Photos confirm damage',
    });
    expect(await scenario.result()).toMatchObject({ status: 'credited', balance: 120_000, amountPaid: 0 });

    await scenario.skipTo(addDays(monday, 190));
    expect(await scenario.emails()).toEqual(beforeDispute(monday));
    expect(await scenario.tasks()).toEqual([{ kind: 'disputeReview', role: 'manager', status: 'completed' }]);
    const dispute = await stack.database.db.dispute.findFirstOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
    });
    expect(dispute).toMatchObject({
      sequence: 1,
      resolution: 'upheld',
      resolutionNote: 'Photos confirm damage',
    });
    expect(await scenario.timelineOf('dispute.opened', 'dispute.resolved', 'invoice.credited')).toEqual([
      `${addDays(monday, 33)} 12:00 dispute.opened`,
      `${addDays(monday, 103)} 12:00 dispute.resolved`,
      `${addDays(monday, 103)} 12:00 invoice.credited`,
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('rejected, the ladder resumes without a burst: the remaining stages move back by the 40 days on hold', async () => {
    const { monday, scenario } = await disputedInvoice('dispute-rejected');
    await scenario.skipTo(addDays(monday, 73));
    const resolved = await scenario.update('resolveDispute', {
      resolution: 'rejected',
      note: 'Signed delivery note',
    });
    // When the dispute opened the second reminder was 4 days away (M+37); it is again 4 days away.
    expect(resolved).toMatchObject({
      status: 'open',
      dispute: null,
      nextAction: { kind: 'stage', stage: 'secondReminder' },
    });
    expect((await scenario.timeline()).at(-1)).toMatchObject({
      type: 'hold.ended',
      data: { heldDays: 40 },
    });

    await scenario.skipTo(addDays(monday, 76));
    expect(await scenario.emails()).toEqual(beforeDispute(monday));

    await scenario.skipTo(addDays(monday, 116));
    expect(await scenario.emails()).toEqual([
      ...beforeDispute(monday),
      nineAm(monday, 77, 'secondReminder'),
      nineAm(monday, 84, 'firmReminder'),
      nineAm(monday, 100, 'finalNotice'),
    ]);
    for (const stage of ['secondReminder', 'firmReminder', 'finalNotice']) {
      expect(scenario.messages(stage)).toHaveLength(1);
    }
    // Due+45+40 days is M+115, a Thursday; the customer last spoke (the dispute) 82 days earlier.
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([
      `${addDays(monday, 115)} 09:00 agency.handedOff`,
    ]);
    expect(await scenario.tasks()).toEqual([
      { kind: 'disputeReview', role: 'manager', status: 'completed' },
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);
    // The second reminder says how late the invoice really is.
    expect(scenario.messages('secondReminder')[0]?.Subject).toBe(
      `Second reminder: invoice INV-dispute-rejected is 47 days overdue`,
    );
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('adjusted, the invoice asks for the new balance, never claims a payment that was not made, and the ladder resumes', async () => {
    const { monday, scenario } = await disputedInvoice('dispute-adjusted');
    await scenario.skipTo(addDays(monday, 40));
    const resolved = await scenario.update('resolveDispute', {
      resolution: 'adjusted',
      adjustedBalance: 80_000,
      note: 'Credit for two broken crates',
    });
    expect(resolved).toMatchObject({
      status: 'open',
      balance: 80_000,
      amountPaid: 0,
      originalAmount: 120_000,
    });

    await scenario.skipTo(addDays(monday, 68));
    // Held 7 days: M+37 → M+44, M+44 → M+51, M+60 → M+67.
    expect(await scenario.emails()).toEqual([
      ...beforeDispute(monday),
      nineAm(monday, 44, 'secondReminder'),
      nineAm(monday, 51, 'firmReminder'),
      nineAm(monday, 67, 'finalNotice'),
    ]);
    for (const stage of ['secondReminder', 'firmReminder', 'finalNotice']) {
      const body = scenario.messages(stage)[0]?.TextBody ?? '';
      expect(body).toMatch(/Amount due: +€800\.00\n/);
      expect(body).not.toContain('We have received');
      expect(body).not.toContain('Received so far');
    }
    const dispute = await stack.database.db.dispute.findFirstOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
    });
    expect(dispute).toMatchObject({ resolution: 'adjusted', adjustedBalance: 80_000n });
    const row = await stack.database.db.invoice.findUniqueOrThrow({
      where: { id: scenario.terms.invoiceId },
    });
    expect(row).toMatchObject({ status: 'open', balance: 80_000n, originalAmount: 120_000n });
  });

  test('a second dispute while one is open is refused as a conflict', async () => {
    const { scenario } = await disputedInvoice('dispute-twice');
    await expect(scenario.update('openDispute', { reason: 'again' })).rejects.toMatchObject({
      cause: { type: 'InvoiceStateConflict', message: 'A dispute is already open; resolve it first.' },
    });
    await scenario.update('resolveDispute', { resolution: 'rejected' });
    await scenario.update('recordPayment', { reference: 'pay-1', amount: 120_000, currency: 'EUR' });
    expect(await scenario.result()).toMatchObject({ status: 'paid' });
  });
});
