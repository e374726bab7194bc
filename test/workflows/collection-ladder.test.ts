import { agencyPayloadFields } from '../../domain/agency';
import { addDays, instantAtLocalTime, type LocalDate } from '../../domain/calendar';
import { commandUpdates, invoiceStateQuery, timelineQuery } from '../../workflows/messages';
import { startCollectionStack, type CollectionStack } from '../support/collection-stack';
import {
  berlinCustomer,
  invoiceTerms,
  localTime,
  sentEmails,
  skipTo,
  upcomingMonday,
} from '../support/lifecycle';

let stack: CollectionStack;

beforeAll(async () => {
  stack = await startCollectionStack();
  await stack.startWorker();
});

afterAll(async () => {
  await stack?.close();
});

const nineAm = (day: LocalDate) => `${day} 09:00`;

describe('the default ladder', () => {
  test('a silent customer gets every stage on its business day at 09:00 local, then the agency hand-off', async () => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms('ladder-1', monday);
    const workflowId = await stack.startInvoice(terms);
    const handle = stack.env.client.workflow.getHandle(workflowId);

    await skipTo(stack.env, instantAtLocalTime(addDays(monday, 78), 12, 'Europe/Berlin'));

    const state = await handle.query(invoiceStateQuery);
    expect(state.status).toBe('with_agency');
    const timeline = await handle.query(timelineQuery);
    expect(sentEmails(stack.mailSink, timeline, berlinCustomer.timeZone, terms.invoiceId)).toEqual([
      expect.objectContaining({ stage: 'invoice', at: nineAm(monday) }),
      // due date is monday+30, a Wednesday; -3 is a Sunday, so the courtesy email moves to Monday
      expect.objectContaining({ stage: 'comingDue', at: nineAm(addDays(monday, 28)) }),
      expect.objectContaining({ stage: 'friendlyReminder', at: nineAm(addDays(monday, 31)) }),
      expect.objectContaining({ stage: 'secondReminder', at: nineAm(addDays(monday, 37)) }),
      expect.objectContaining({ stage: 'firmReminder', at: nineAm(addDays(monday, 44)) }),
      expect.objectContaining({ stage: 'finalNotice', at: nineAm(addDays(monday, 60)) }),
    ]);
    for (const message of stack.mailSink.messages()) expect(message.To).toBe(berlinCustomer.email);

    const tasks = await stack.database.db.task.findMany({
      where: { invoiceId: terms.invoiceId },
      orderBy: { createdAt: 'asc' },
    });
    expect(tasks.map((task) => [task.kind, task.role, task.status])).toEqual([
      ['secondReminderCall', 'bookkeeper', 'open'],
      ['finalNoticeCall', 'manager', 'open'],
    ]);

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
      // +45 is a Saturday: the hand-off happens on Monday, +47
      daysOverdue: 47,
    });
    const handedOff = timeline.find((entry) => entry.type === 'agency.handedOff');
    expect(localTime(handedOff!.at, berlinCustomer.timeZone)).toBe(nineAm(addDays(monday, 77)));

    const recovered = await handle.executeUpdate(commandUpdates.recordAgencyOutcome, {
      args: [{ outcome: 'recovered', recoveredAmount: 120_000, reference: 'agency-remittance-77' }],
    });
    expect(recovered.status).toBe('paid');
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'paid', balance: 0, amountPaid: 120_000 });

    const projected = await stack.database.db.invoice.findUniqueOrThrow({ where: { id: terms.invoiceId } });
    expect(projected.status).toBe('paid');
    expect(projected.balance).toBe(0n);
    expect(
      await stack.database.db.task.count({ where: { invoiceId: terms.invoiceId, status: 'open' } }),
    ).toBe(0);
  });
});
