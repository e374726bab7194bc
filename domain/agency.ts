import type { LocalDate } from './calendar';
import type { MinorUnits } from './money';
import { daysOverdue, type InvoiceState } from './lifecycle';

/**
 * Everything the collection agency receives, and nothing more: name and contact, invoice number,
 * amount due and dates. No payment history, disputes, notes or internal ids beyond the invoice number.
 */
export interface AgencyHandoffPayload {
  customerName: string;
  customerEmail: string;
  invoiceNumber: string;
  currency: string;
  amountDue: MinorUnits;
  issueDate: LocalDate;
  dueDate: LocalDate;
  daysOverdue: number;
}

export const agencyPayloadFields = [
  'customerName',
  'customerEmail',
  'invoiceNumber',
  'currency',
  'amountDue',
  'issueDate',
  'dueDate',
  'daysOverdue',
] as const satisfies readonly (keyof AgencyHandoffPayload)[];

export function agencyPayload(state: InvoiceState, now: number): AgencyHandoffPayload {
  const { terms } = state;
  return {
    customerName: terms.customer.name,
    customerEmail: terms.customer.email,
    invoiceNumber: terms.invoiceNumber,
    currency: terms.currency,
    amountDue: state.balance,
    issueDate: terms.issueDate,
    dueDate: terms.dueDate,
    daysOverdue: daysOverdue(state, now),
  };
}
