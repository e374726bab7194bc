import { agencyPayloadFields } from '../../domain/agency';
import { addDays } from '../../domain/calendar';
import {
  berlinCustomer,
  InvoiceScenario,
  invoiceTerms,
  fullBerlinLadder,
  nineAm,
  upcomingMonday,
  useCollectionStack,
} from '../support/lifecycle';

const stack = useCollectionStack();

describe('the default ladder', () => {
  test('a silent customer gets every stage on its business day at 09:00 local, then the agency hand-off', async () => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms('ladder-1', monday);
    const scenario = await InvoiceScenario.start(stack, terms);

    await scenario.skipTo(addDays(monday, 78));

    expect(await scenario.emails()).toEqual(fullBerlinLadder(monday));
    for (const message of scenario.messages()) expect(message.To).toBe(berlinCustomer.email);
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
    ]);

    // +45 is a Saturday: the hand-off happens on Monday, +47
    expect(await scenario.timelineOf('agency.handedOff')).toEqual([nineAm(monday, 77, 'agency.handedOff')]);
    const handoff = await stack.database.db.agencyHandoff.findUniqueOrThrow({
      where: { invoiceId: terms.invoiceId },
    });
    expect(Object.keys(handoff.payload as object).sort()).toEqual([...agencyPayloadFields].sort());
    expect(handoff.payload).toEqual({
      customerName: berlinCustomer.name,
      customerEmail: berlinCustomer.email,
      invoiceNumber: terms.invoiceNumber,
      currency: 'EUR',
      amountDue: 120_000,
      issueDate: monday,
      dueDate: terms.dueDate,
      daysOverdue: 47,
    });
    const projected = await stack.database.db.invoice.findUniqueOrThrow({ where: { id: terms.invoiceId } });
    expect(projected.status).toBe('with_agency');

    const recovered = await scenario.update('recordAgencyOutcome', {
      outcome: 'recovered',
      recoveredAmount: 120_000,
      reference: 'agency-remittance-77',
    });
    expect(recovered.status).toBe('paid');
    expect(await scenario.result()).toMatchObject({ status: 'paid', balance: 0, amountPaid: 120_000 });

    const closed = await stack.database.db.invoice.findUniqueOrThrow({ where: { id: terms.invoiceId } });
    expect(closed).toMatchObject({ status: 'paid', balance: 0n });
    expect(await scenario.tasks()).toEqual([
      { kind: 'secondReminderCall', role: 'bookkeeper', status: 'cancelled' },
      { kind: 'finalNoticeCall', role: 'manager', status: 'cancelled' },
    ]);
  });
});
