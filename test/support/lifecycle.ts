import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, dayOfWeek, localDateAt, type LocalDate } from '../../domain/calendar';
import type { Customer, InvoiceTerms } from '../../domain/invoice';
import type { TimelineEntry } from '../../domain/lifecycle';
import type { MailSink } from '../../runtime/mail-sink';

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
