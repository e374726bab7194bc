import { addDays, instantAtLocalTime } from '../../domain/calendar';
import { nextWakeup, onWakeup, startInvoice, type InvoiceState } from '../../domain/lifecycle';
import { defaultPolicy } from '../../domain/policy';
import { invoiceStartOptions, workflowType } from '../../workflows/messages';
import {
  berlinCustomer,
  invoiceTerms,
  nineAm,
  sentEmails,
  skipTo,
  upcomingMonday,
  useCollectionStack,
} from '../support/lifecycle';

const stack = useCollectionStack();

/** The state a previous run had reached by `until`, its effects already carried out, as continue-as-new hands it on. */
function stateReachedBy(state: InvoiceState, from: number, until: number): InvoiceState {
  let now = from;
  for (let wakeup = nextWakeup(state, now); wakeup && wakeup.at <= until; wakeup = nextWakeup(state, now)) {
    now = wakeup.at;
    state = onWakeup(state, wakeup, now).state;
  }
  return state;
}

describe('continue-as-new', () => {
  test('a run started with the carried state goes on with the ladder and repeats nothing the earlier run did', async () => {
    const monday = await upcomingMonday(stack.env);
    const terms = invoiceTerms('carried-on', monday);
    const zone = berlinCustomer.timeZone;
    const handedOnAt = instantAtLocalTime(addDays(monday, 40), 12, zone);
    const startedAt = instantAtLocalTime(addDays(monday, -1), 12, zone);
    const started = startInvoice(terms, defaultPolicy, startedAt).state;
    const carriedState = stateReachedBy(started, startedAt, handedOnAt);
    expect(Object.keys(carriedState.stages)).toEqual([
      'invoice',
      'comingDue',
      'friendlyReminder',
      'secondReminder',
    ]);

    await skipTo(stack.env, handedOnAt);
    const handle = await stack.env.client.workflow.start(
      workflowType,
      invoiceStartOptions({ terms, policy: defaultPolicy, carriedState }),
    );
    await skipTo(stack.env, instantAtLocalTime(addDays(monday, 62), 12, zone));

    const rows = await stack.database.db.timelineEvent.findMany({
      where: { invoiceId: terms.invoiceId },
      orderBy: { sequence: 'asc' },
    });
    const timeline = rows.map(({ sequence, at, type, summary, data }) => ({
      sequence,
      at: at.toISOString(),
      type,
      summary,
      data: data as Record<string, unknown>,
    }));
    const emails = sentEmails(stack.mailSink, [...carriedState.timeline, ...timeline], zone, terms.invoiceId);
    expect(emails.map((email) => `${email.at} ${email.stage}`)).toEqual([
      nineAm(monday, 44, 'firmReminder'),
      nineAm(monday, 60, 'finalNotice'),
    ]);
    // The new run writes only what it adds: its timeline continues the carried one's numbering.
    expect(rows[0]?.sequence).toBe(carriedState.timeline.length + 1);
    await handle.terminate('test over');
  });
});
