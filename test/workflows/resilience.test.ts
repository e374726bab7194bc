import { createActivities, type RecoupActivities } from '../../activities';
import { createPostmarkTransport, type MailTransport } from '../../activities/mail-transport';
import { addDays } from '../../domain/calendar';
import {
  startCollectionStack,
  testSender,
  type CollectionStack,
  type RunningWorker,
} from '../support/collection-stack';
import {
  fullBerlinLadder,
  InvoiceScenario,
  invoiceTerms,
  startUncachedWorker,
  upcomingMonday,
} from '../support/lifecycle';

let stack: CollectionStack;

// Each test runs its own workers, one at a time: a process takes one worker per task queue.
beforeAll(async () => {
  stack = await startCollectionStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Real activities over a mail transport the test wraps (the sink, through the real postmark client). */
function activitiesWithMail(wrap: (real: MailTransport) => MailTransport): RecoupActivities {
  const real = createPostmarkTransport({
    serverToken: 'test-server-token',
    messageStream: 'outbound',
    requestHost: stack.mailSink.requestHost,
  });
  return createActivities({
    db: stack.database.db,
    mail: wrap(real),
    mailFrom: 'Harbour Supplies Accounts <accounts@harbour.example>',
    sender: testSender,
  });
}

/**
 * Ends the test's workflow, then its worker: a workflow left cached on a stopped worker would strand its next
 * task on that worker's sticky queue and stall the clock for the tests after (see startUncachedWorker).
 */
async function stopWorker(worker: RunningWorker): Promise<void> {
  await InvoiceScenario.endAll();
  await worker.stop();
}

async function outboxRows(invoiceId: string) {
  const rows = await stack.database.db.emailMessage.findMany({
    where: { invoiceId },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(({ stageKey, status, attempts }) => ({ stageKey, status, attempts }));
}

describe('crashes and restarts', () => {
  test('a worker that dies right after sending the second reminder, replaced by a new one, sends every email exactly once', async () => {
    let reportDeath: () => void = () => undefined;
    const died = new Promise<void>((resolve) => (reportDeath = resolve));
    // The first worker sends the second reminder for real, then dies before it can report the activity done.
    const dying: RecoupActivities = {
      ...stack.activities,
      async sendCollectionEmail(request) {
        const outcome = await stack.activities.sendCollectionEmail(request);
        if (request.effect.key === 'secondReminder') {
          reportDeath();
          throw new Error('worker process killed after the provider accepted the second reminder');
        }
        return outcome;
      },
    };
    const first = await startUncachedWorker(stack, dying);
    const monday = await upcomingMonday(stack.env);
    const scenario = await InvoiceScenario.start(stack, invoiceTerms('worker-killed', monday));

    const skipping = scenario.skipTo(addDays(monday, 40));
    await died;
    await first.stop();
    // The new worker replays the history it never saw, then retries the failed send.
    const second = await stack.startWorker();
    try {
      await skipping;
      await scenario.skipTo(addDays(monday, 80));
      expect(await scenario.emails()).toEqual(fullBerlinLadder(monday));
      for (const stage of [
        'invoice',
        'comingDue',
        'friendlyReminder',
        'secondReminder',
        'firmReminder',
        'finalNotice',
      ]) {
        expect(scenario.messages(stage)).toHaveLength(1);
      }
      // The retry found the outbox row already marked sent and went no further.
      expect(
        (await outboxRows(scenario.terms.invoiceId)).map(
          (row) => `${row.stageKey} ${row.status} ${row.attempts}`,
        ),
      ).toEqual([
        'invoice sent 1',
        'comingDue sent 1',
        'friendlyReminder sent 1',
        'secondReminder sent 1',
        'firmReminder sent 1',
        'finalNotice sent 1',
      ]);
      expect(await scenario.tasks()).toEqual([
        { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
        { kind: 'finalNoticeCall', role: 'manager', status: 'open' },
      ]);
      expect(
        await stack.database.db.agencyHandoff.count({ where: { invoiceId: scenario.terms.invoiceId } }),
      ).toBe(1);
      expect(await scenario.timelineOf('agency.handedOff')).toEqual([
        `${addDays(monday, 77)} 09:00 agency.handedOff`,
      ]);
      expect(await scenario.projectedTimeline()).toEqual(await scenario.timeline());
    } finally {
      await stopWorker(second);
    }
  });

  test('an email activity that crashes after Postmark accepted the message finds it on retry and does not send again', async () => {
    const searchedFor: string[] = [];
    let crashed = false;
    const worker = await stack.startWorker(
      activitiesWithMail((real) => ({
        async send(email) {
          const accepted = await real.send(email);
          if (email.metadata.stage === 'friendlyReminder' && !crashed) {
            crashed = true;
            // Between "provider accepted" and "outbox row updated": the connection drops.
            throw new Error('socket hang up after Postmark accepted the message');
          }
          return accepted;
        },
        async findSentMessage(outboxId) {
          searchedFor.push(outboxId);
          return real.findSentMessage(outboxId);
        },
      })),
    );
    try {
      const monday = await upcomingMonday(stack.env);
      const scenario = await InvoiceScenario.start(stack, invoiceTerms('crash-after-accept', monday));
      await scenario.skipTo(addDays(monday, 38));

      expect(crashed).toBe(true);
      const friendly = scenario.messages('friendlyReminder');
      expect(friendly).toHaveLength(1);
      const outbox = await stack.database.db.emailMessage.findUniqueOrThrow({
        where: { invoiceId_stageKey: { invoiceId: scenario.terms.invoiceId, stageKey: 'friendlyReminder' } },
      });
      expect(searchedFor).toEqual([outbox.id]);
      expect(outbox).toMatchObject({
        status: 'sent',
        attempts: 1,
        providerMessageId: friendly[0]!.MessageID,
        error: null,
      });
      expect(await scenario.emails()).toEqual(fullBerlinLadder(monday).slice(0, 4));
    } finally {
      await stopWorker(worker);
    }
  });

  test('an inactive recipient is not retried: a manager task to fix the address, and email resumes once it is amended', async () => {
    const worker = await stack.startWorker();
    try {
      const monday = await upcomingMonday(stack.env);
      const terms = invoiceTerms('inactive-recipient', monday, {
        customer: {
          id: 'cust-bounced',
          name: 'Hafen Bistro UG',
          email: 'old-ap@hafen-bistro.example',
          timeZone: 'Europe/Berlin',
        },
      });
      const scenario = await InvoiceScenario.start(stack, terms);
      await scenario.skipTo(addDays(monday, 29));
      stack.mailSink.markInactive('old-ap@hafen-bistro.example');

      await scenario.skipTo(addDays(monday, 38));
      expect(await outboxRows(terms.invoiceId)).toEqual([
        { stageKey: 'invoice', status: 'sent', attempts: 1 },
        { stageKey: 'comingDue', status: 'sent', attempts: 1 },
        { stageKey: 'friendlyReminder', status: 'failed', attempts: 1 },
        { stageKey: 'secondReminder', status: 'failed', attempts: 1 },
      ]);
      expect(await scenario.tasks()).toEqual([
        { kind: 'fixEmailAddress', role: 'manager', status: 'open' },
        { kind: 'secondReminderCall', role: 'bookkeeper', status: 'open' },
      ]);
      expect(await scenario.timelineOf('email.undeliverable')).toEqual([
        `${addDays(monday, 31)} 09:00 email.undeliverable`,
        `${addDays(monday, 37)} 09:00 email.undeliverable`,
      ]);

      await scenario.skipTo(addDays(monday, 39));
      await scenario.update('amend', { customerEmail: 'ap@hafen-bistro.example', reason: 'New AP address' });
      await scenario.skipTo(addDays(monday, 45));
      expect(scenario.messages().map((message) => `${message.Metadata.stage} ${message.To}`)).toEqual([
        'invoice old-ap@hafen-bistro.example',
        'comingDue old-ap@hafen-bistro.example',
        'firmReminder ap@hafen-bistro.example',
      ]);
    } finally {
      await stopWorker(worker);
    }
  });
});
