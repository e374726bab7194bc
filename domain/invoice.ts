import type { LocalDate } from './calendar';
import type { CurrencyCode, MinorUnits } from './money';

export interface Customer {
  /** The billing system's customer id. */
  id: string;
  name: string;
  email: string;
  /** IANA time zone; reminders go out at the send hour in this zone. */
  timeZone: string;
}

/** What the billing system tells Recoup about an invoice when it starts collection. */
export interface InvoiceTerms {
  invoiceId: string;
  invoiceNumber: string;
  customer: Customer;
  currency: CurrencyCode;
  amount: MinorUnits;
  issueDate: LocalDate;
  dueDate: LocalDate;
  /** False when the billing system sends the invoice email itself. */
  sendInvoiceEmail: boolean;
}

/** An instant as an ISO 8601 UTC string, e.g. "2026-03-02T09:00:00.000Z". */
export type Instant = string;

export const openStatuses = [
  'open',
  'paused',
  'disputed',
  'promised',
  'on_plan',
  'with_agency',
  'returned_by_agency',
] as const;
export const closedStatuses = ['paid', 'cancelled', 'written_off', 'credited'] as const;
export type OpenStatus = (typeof openStatuses)[number];
export type ClosedStatus = (typeof closedStatuses)[number];
export type InvoiceStatus = OpenStatus | ClosedStatus;
export const invoiceStatuses: readonly InvoiceStatus[] = [...openStatuses, ...closedStatuses];

/** "7 days overdue", "1 day overdue", "due today", "due in 3 days": for people, in emails, scripts and the timeline. */
export function describeDaysOverdue(daysOverdue: number): string {
  const count = (days: number) => (days === 1 ? '1 day' : `${days} days`);
  if (daysOverdue > 0) return `${count(daysOverdue)} overdue`;
  if (daysOverdue === 0) return 'due today';
  return `due in ${count(-daysOverdue)}`;
}
