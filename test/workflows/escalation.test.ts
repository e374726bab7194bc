import { agencyPayloadFields } from '../../domain/agency';
import { addDays, instantAtLocalTime } from '../../domain/calendar';
import {
  berlinCustomer,
  InvoiceScenario,
  invoiceTerms,
  localClock,
  skipTo,
  upcomingMonday,
  useCollectionStack,
  nineAm,
  fullBerlinLadder,
} from '../support/lifecycle';

const stack = useCollectionStack();

describe('the agency hand-off', () => {
  test('waits until 45 days after the last customer response, moved to a business day, and happens once with only the allow-listed fields', async () => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms('agency-after-silence', monday);
    const scenario = await InvoiceScenario.start(stack, terms);

    await scenario.skipTo(addDays(monday, 50));
    await scenario.update('recordCustomerResponse', { note: 'AP says the invoice is in the approval queue' });
    await scenario.skipTo(addDays(monday, 66));
    // The bookkeeper's call after the final notice reached the customer: the silence starts again.
    const view = await scenario.update('completeTask', {
      taskKey: 'finalNotice',
      outcome: 'Spoke to the owner; payment promised but no date',
      customerReached: true,
    });
    // M+66 12:00 + 45 days = Sunday M+111 12:00: the first send slot after it is Monday M+112 09:00
    // (without the responses the hand-off was due M+75, a Saturday, so M+77).
    expect(view.nextAction).toMatchObject({ kind: 'stage', stage: 'agencyHandoff' });
    expect(localClock(Date.parse(view.nextAction!.at), berlinCustomer.timeZone)).toBe(
      `${addDays(monday, 112)} 09:00`,
    );

    await scenario.skipTo(addDays(monday, 111), 23);
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([]);
    expect((await scenario.state()).status).toBe('open');

    await scenario.skipTo(addDays(monday, 140));
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([
      `${addDays(monday, 112)} 09:00 agency.handedOff`,
    ]);
    expect(await scenario.emails()).toEqual(fullBerlinLadder(monday));
    expect(await scenario.state()).toMatchObject({ status: 'with_agency', nextAction: null });

    const handoffs = await stack.database.db.agencyHandoff.findMany({
      where: { invoiceId: terms.invoiceId },
    });
    expect(handoffs).toHaveLength(1);
    expect(Object.keys(handoffs[0]!.payload as object).sort()).toEqual([...agencyPayloadFields].sort());
    expect(handoffs[0]!.payload).toEqual({
      customerName: berlinCustomer.name,
      customerEmail: berlinCustomer.email,
      invoiceNumber: terms.invoiceNumber,
      currency: 'EUR',
      amountDue: 120_000,
      issueDate: monday,
      dueDate: terms.dueDate,
      daysOverdue: 82,
    });
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });

  test('returned by the agency: a manager task, nothing sent any more, and a write-off closes it cleanly', async () => {
    const monday = await upcomingMonday(stack.env);
    const scenario = await InvoiceScenario.start(stack, invoiceTerms('agency-returned', monday));
    await scenario.skipTo(addDays(monday, 78));
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([
      `${addDays(monday, 77)} 09:00 agency.handedOff`,
    ]);

    await scenario.skipTo(addDays(monday, 90));
    const partial = await scenario.update('recordAgencyOutcome', {
      outcome: 'recovered',
      recoveredAmount: 20_000,
      reference: 'agency-remit-1',
    });
    expect(partial).toMatchObject({ status: 'with_agency', balance: 100_000, amountPaid: 20_000 });
    const returned = await scenario.update('recordAgencyOutcome', {
      outcome: 'returned',
      note: 'Debtor has no attachable assets',
    });
    expect(returned).toMatchObject({ status: 'returned_by_agency', nextAction: null, balance: 100_000 });

    await scenario.skipTo(addDays(monday, 200));
    expect(await scenario.emails()).toEqual(fullBerlinLadder(monday));
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
      { kind: 'agencyReturned', role: 'manager', status: 'open' },
    ]);
    const handoff = await stack.database.db.agencyHandoff.findUniqueOrThrow({
      where: { invoiceId: scenario.terms.invoiceId },
    });
    expect(handoff).toMatchObject({ outcome: 'returned', recoveredAmount: 20_000n });

    await scenario.update('writeOff', { reason: 'Agency found no assets; not worth pursuing' });
    expect(await scenario.result()).toMatchObject({ status: 'written_off', balance: 100_000 });
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'cancelled' },
      { kind: 'agencyReturned', role: 'manager', status: 'cancelled' },
    ]);
    expect(await scenario.timelineOf('agency.recovered', 'agency.returned', 'invoice.writtenOff')).toEqual([
      `${addDays(monday, 90)} 12:00 agency.recovered`,
      `${addDays(monday, 90)} 12:00 agency.returned`,
      `${addDays(monday, 200)} 12:00 invoice.writtenOff`,
    ]);
    expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
  });
});

describe('no burst', () => {
  test('an invoice started 20 days overdue sends the invoice and only the latest overdue reminder, then the ladder goes on', async () => {
    const monday = await upcomingMonday(stack.env);
    await skipTo(stack.env, instantAtLocalTime(monday, 10, berlinCustomer.timeZone));
    // Issued 50 days ago, due 20 days ago: the coming-due, friendly, second and firm stages have all passed.
    const scenario = await InvoiceScenario.start(
      stack,
      invoiceTerms('late-start', addDays(monday, -50), { dueDate: addDays(monday, -20) }),
    );
    await scenario.skipTo(addDays(monday, 17));
    expect(await scenario.emails()).toEqual([
      `${monday} 10:00 invoice`,
      `${monday} 10:00 firmReminder`,
      // the firm reminder (due+14 = M-6) went 6 days late; the final notice keeps its spacing: due+30+6 = M+16
      nineAm(monday, 16, 'finalNotice'),
    ]);
    expect(
      (await scenario.timeline())
        .filter((entry) => entry.type === 'stage.skipped')
        .map((entry) => entry.summary),
    ).toEqual([
      'Stage comingDue skipped: superseded by firmReminder',
      'Stage friendlyReminder skipped: superseded by firmReminder',
      'Stage secondReminder skipped: superseded by firmReminder',
    ]);
    expect(await scenario.tasks()).toEqual([{ kind: 'finalNoticeCall', role: 'manager', status: 'open' }]);
  });
});
