import { WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { RecoupActivities } from '../../activities';
import { addDays, dayOfWeek, instantAtLocalTime, localDateAt, type LocalDate } from '../../domain/calendar';
import type { CommandInput, CommandType } from '../../domain/commands';
import type { Customer, InvoiceTerms } from '../../domain/invoice';
import type { InvoiceView } from '../../domain/invoice-view';
import type { TimelineEntry } from '../../domain/lifecycle';
import type { CollectionPolicy } from '../../domain/policy';
import type { MailSink, SentMessage } from '../../runtime/mail-sink';
import type { invoiceCollection } from '../../workflows/invoice-collection';
import {
  commandSignals,
  commandUpdates,
  invoiceStateQuery,
  taskQueue,
  timelineQuery,
} from '../../workflows/messages';
import { startCollectionStack, type CollectionStack, type RunningWorker } from './collection-stack';
import { readRunContext } from './run-context';

/** The first Monday at least two days after the environment's current time (UTC dates). */
export async function upcomingMonday(env: TestWorkflowEnvironment): Promise<LocalDate> {
  let day = addDays(localDateAt(await env.currentTimeMs(), 'UTC'), 2);
  while (dayOfWeek(day) !== 1) day = addDays(day, 1);
  return day;
}

/** Skips the environment's clock forward to an instant (time-skipping: no real waiting). */
export async function skipTo(env: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs <= now) throw new Error(`skipTo: ${new Date(instantMs).toISOString()} is not in the future`);
  await env.sleep(instantMs - now);
}

export function localTime(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));
  return `${localDateAt(Date.parse(instant), timeZone)} ${parts}`;
}

export const berlinCustomer: Customer = {
  id: 'cust-harbour-cafe',
  name: 'Harbour Café GmbH',
  email: 'ap@harbour-cafe.example',
  timeZone: 'Europe/Berlin',
};

export function invoiceTerms(
  invoiceId: string,
  issueDate: LocalDate,
  overrides: Partial<InvoiceTerms> = {},
): InvoiceTerms {
  return {
    invoiceId,
    invoiceNumber: `INV-${invoiceId}`,
    customer: berlinCustomer,
    currency: 'EUR',
    amount: 120_000,
    issueDate,
    dueDate: addDays(issueDate, 30),
    sendInvoiceEmail: true,
    ...overrides,
  };
}

/** Each email the sink received, with the local time the workflow sent it (from the timeline). */
export function sentEmails(sink: MailSink, timeline: TimelineEntry[], timeZone: string, invoiceId: string) {
  const decidedAt = new Map<string, string>();
  for (const entry of timeline) {
    const key = entry.type === 'stage.reached' ? String(entry.data.stage) : undefined;
    if (key) decidedAt.set(key, entry.at);
    if (entry.type === 'plan.installmentReminded') {
      decidedAt.set(`plan-${entry.data.plan}-installment-${entry.data.installment}`, entry.at);
    }
  }
  return sink
    .messages()
    .filter((message) => message.Metadata.invoiceId === invoiceId)
    .map((message) => {
      const stage = message.Metadata.stage ?? '';
      const at = decidedAt.get(stage);
      return {
        stage,
        at: at ? localTime(at, timeZone) : 'never decided',
        to: message.To,
        subject: message.Subject,
      };
    });
}

/** The local clock reading at an instant: "YYYY-MM-DD HH:MM" in the zone. */
export function localClock(instantMs: number, timeZone: string): string {
  return localTime(new Date(instantMs).toISOString(), timeZone);
}

/**
 * The first local day on or after `from` whose UTC offset differs from the day before's (a DST change),
 * looking a year ahead; the day the clocks go forward or back.
 */
export function nextClockChange(timeZone: string, from: LocalDate): LocalDate {
  const offsetAtNoon = (day: LocalDate) =>
    instantAtLocalTime(day, 12, 'UTC') - instantAtLocalTime(day, 12, timeZone);
  for (
    let day = from, offset = offsetAtNoon(addDays(from, -1));
    day < addDays(from, 366);
    day = addDays(day, 1)
  ) {
    const next = offsetAtNoon(day);
    if (next !== offset) return day;
    offset = next;
  }
  throw new Error(`${timeZone} does not change its clocks in the year after ${from}`);
}

export interface TaskRow {
  kind: string;
  role: string;
  status: string;
}

/**
 * One invoice's workflow driven through its public surface (updates, signals, queries) on the
 * time-skipping server, with what it left behind: sink messages, task rows, the projected timeline.
 */
export class InvoiceScenario {
  readonly handle: WorkflowHandle<typeof invoiceCollection>;

  private constructor(
    readonly stack: CollectionStack,
    readonly terms: InvoiceTerms,
    workflowId: string,
  ) {
    this.handle = stack.env.client.workflow.getHandle<typeof invoiceCollection>(workflowId);
  }

  private static running: InvoiceScenario[] = [];

  static async start(stack: CollectionStack, terms: InvoiceTerms, policy?: CollectionPolicy) {
    const scenario = new InvoiceScenario(stack, terms, await stack.startInvoice(terms, policy));
    InvoiceScenario.running.push(scenario);
    return scenario;
  }

  /**
   * Terminates every scenario's workflow still running (call it after each test): time is shared by the
   * file's tests, and a later test's skip would otherwise drive the earlier invoices' ladders too.
   */
  static async endAll(): Promise<void> {
    const scenarios = InvoiceScenario.running.splice(0);
    await Promise.all(
      scenarios.map((scenario) => scenario.handle.terminate('test finished').catch(() => undefined)),
    );
  }

  get timeZone(): string {
    return this.terms.customer.timeZone;
  }

  /** Skips the clock to a local time in the customer's zone (noon unless told). */
  async skipTo(day: LocalDate, hour = 12): Promise<void> {
    await skipTo(this.stack.env, instantAtLocalTime(day, hour, this.timeZone));
  }

  update<T extends CommandType>(type: T, input: CommandInput<T>): Promise<InvoiceView> {
    const definition = commandUpdates[type] as UpdateDefinition<InvoiceView, [CommandInput<T>], T>;
    return this.handle.executeUpdate(definition, { args: [input] });
  }

  signal<T extends CommandType>(type: T, input: CommandInput<T>): Promise<void> {
    const definition = commandSignals[type] as SignalDefinition<[CommandInput<T>]>;
    return this.handle.signal(definition, input);
  }

  /**
   * The workflow's result, awaited without unlocking time skipping: the time-skipping client's result()
   * lets the server race the clock ahead while it waits, which would move later tests' days.
   */
  result(): Promise<InvoiceView> {
    const { env } = this.stack;
    const client = new WorkflowClient({ connection: env.connection, namespace: env.namespace ?? 'default' });
    return client.getHandle<typeof invoiceCollection>(this.handle.workflowId).result();
  }

  state(): Promise<InvoiceView> {
    return this.handle.query(invoiceStateQuery);
  }

  timeline(): Promise<TimelineEntry[]> {
    return this.handle.query(timelineQuery);
  }

  /** The sink's messages for this invoice, oldest first. */
  messages(stage?: string): SentMessage[] {
    return this.stack.mailSink
      .messages()
      .filter((message) => message.Metadata.invoiceId === this.terms.invoiceId)
      .filter((message) => stage === undefined || message.Metadata.stage === stage);
  }

  /**
   * "YYYY-MM-DD HH:MM stage" in the customer's zone for every email the sink received, oldest first. The
   * times come from the projected timeline, which the workflow writes before it sends: reading it needs no
   * query, and a query just before an update can make the time-skipping server lose the update.
   */
  async emails(): Promise<string[]> {
    const timeline = await this.projectedTimeline();
    return sentEmails(this.stack.mailSink, timeline, this.timeZone, this.terms.invoiceId).map(
      (email) => `${email.at} ${email.stage}`,
    );
  }

  async tasks(): Promise<TaskRow[]> {
    const rows = await this.stack.database.db.task.findMany({
      where: { invoiceId: this.terms.invoiceId },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(({ kind, role, status }) => ({ kind, role, status }));
  }

  /** The timeline as the projection wrote it to timeline_events, in sequence order. */
  async projectedTimeline(): Promise<TimelineEntry[]> {
    const rows = await this.stack.database.db.timelineEvent.findMany({
      where: { invoiceId: this.terms.invoiceId },
      orderBy: { sequence: 'asc' },
    });
    return rows.map((row) => ({
      sequence: row.sequence,
      at: row.at.toISOString(),
      type: row.type,
      summary: row.summary,
      ...(row.actor ? { actor: row.actor } : {}),
      data: row.data as Record<string, unknown>,
    }));
  }

  /** Local time and type of every projected timeline entry of the given types, e.g. "2027-01-04 09:00 stage.reached". */
  async timelineOf(...types: string[]): Promise<string[]> {
    return (await this.projectedTimeline())
      .filter((entry) => types.includes(entry.type))
      .map((entry) => `${localTime(entry.at, this.timeZone)} ${entry.type}`);
  }

  /** Lets the workflow finish what a command set off (projection, effects): a minute passes, no send slot. */
  async settle(): Promise<void> {
    await this.stack.env.sleep('1 minute');
  }
}

/**
 * A worker that keeps no workflow cached, so every workflow task replays the history: the one a test
 * kills. A worker that dies with workflows cached leaves their next task on its sticky queue, and the
 * time-skipping server moves it on only after a timeout counted in skipped time, which cannot pass while
 * that task waits. Stop it before starting another worker: one task queue takes one worker per process.
 */
export async function startUncachedWorker(
  stack: CollectionStack,
  activities: RecoupActivities,
): Promise<RunningWorker> {
  const worker = await Worker.create({
    connection: stack.env.nativeConnection,
    namespace: stack.env.namespace ?? 'default',
    taskQueue,
    activities,
    workflowBundle: { code: readFileSync(readRunContext().workflowBundlePath, 'utf8') },
    maxCachedWorkflows: 0,
  });
  const running = worker.run();
  return {
    worker,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/**
 * The usual test file: one time-skipping stack with a running worker for the whole file, and every invoice still
 * running ended after each test. The stack is made in beforeAll, so it is reached through this stand-in.
 */
export function useCollectionStack(): CollectionStack {
  let current: CollectionStack | undefined;
  beforeAll(async () => {
    const started = await startCollectionStack();
    await started.startWorker();
    current = started;
  });
  afterEach(() => InvoiceScenario.endAll());
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as CollectionStack, {
    get: (_target, property) => {
      if (!current) throw new Error('The collection stack is used before beforeAll has started it.');
      return Reflect.get(current, property);
    },
  });
}

/** "YYYY-MM-DD 09:00 stage" for day M+`day` of a ladder that starts on Monday M. */
export const nineAm = (monday: LocalDate, day: number, stage: string) =>
  `${addDays(monday, day)} 09:00 ${stage}`;

/** The default ladder, untouched, of an invoice issued Monday M and due Wednesday M+30, in Berlin. */
export const fullBerlinLadder = (monday: LocalDate) => [
  nineAm(monday, 0, 'invoice'),
  // M+27 is a Sunday, so the courtesy email moves to Monday
  nineAm(monday, 28, 'comingDue'),
  nineAm(monday, 31, 'friendlyReminder'),
  nineAm(monday, 37, 'secondReminder'),
  nineAm(monday, 44, 'firmReminder'),
  nineAm(monday, 60, 'finalNotice'),
];
