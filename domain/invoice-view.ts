import type { Customer, Instant, InvoiceStatus } from './invoice';
import { daysBetween, localDateAt, type LocalDate } from './calendar';
import type { MinorUnits } from './money';
import {
  daysOverdue,
  nextWakeup,
  statusOf,
  totalPaid,
  type Installment,
  type InvoiceState,
  type PromiseOfPayment,
  type Wakeup,
} from './lifecycle';

/** What callers see of an invoice: the answer to the workflow's state query and to GET /invoices/:id. */
export interface InvoiceView {
  invoiceId: string;
  invoiceNumber: string;
  customer: Customer;
  status: InvoiceStatus;
  currency: string;
  originalAmount: MinorUnits;
  amountPaid: MinorUnits;
  balance: MinorUnits;
  overpaid: MinorUnits;
  issueDate: LocalDate;
  dueDate: LocalDate;
  daysOverdue: number;
  policyId: string;
  currentStage: string | null;
  nextAction: { kind: Wakeup['kind']; stage?: string; installment?: number; at: Instant } | null;
  dispute: { reason: string; openedAt: Instant } | null;
  promise: PromiseOfPayment | null;
  paymentPlan: { acceptedAt: Instant; installments: Installment[] } | null;
  pausedReason: string | null;
  lastCustomerResponseAt: Instant | null;
  agency: { handedOffAt: Instant; returnedAt: Instant | null } | null;
  closedAt: Instant | null;
  closedReason: string | null;
  stateSequence: number;
}

export function viewOf(state: InvoiceState, now: number): InvoiceView {
  const { terms } = state;
  const wakeup = nextWakeup(state, now);
  const reached = state.policy.stages.filter((stage) => state.stages[stage.key]?.outcome === 'done');
  return {
    invoiceId: terms.invoiceId,
    invoiceNumber: terms.invoiceNumber,
    customer: terms.customer,
    status: statusOf(state),
    currency: terms.currency,
    originalAmount: terms.amount,
    amountPaid: totalPaid(state),
    balance: state.balance,
    overpaid: state.overpaid,
    issueDate: terms.issueDate,
    dueDate: terms.dueDate,
    daysOverdue: daysOverdue(state, now),
    policyId: state.policy.id,
    currentStage: reached.at(-1)?.key ?? null,
    nextAction: wakeup && {
      kind: wakeup.kind,
      ...(wakeup.kind === 'stage' ? { stage: wakeup.stageKey } : {}),
      ...(wakeup.kind === 'installmentReminder' || wakeup.kind === 'installmentDeadline'
        ? { installment: wakeup.sequence }
        : {}),
      at: new Date(wakeup.at).toISOString(),
    },
    dispute: state.dispute && { reason: state.dispute.reason, openedAt: state.dispute.openedAt },
    promise: state.promise,
    paymentPlan: state.plan && { acceptedAt: state.plan.acceptedAt, installments: state.plan.installments },
    pausedReason: state.manualPause?.reason ?? null,
    lastCustomerResponseAt: state.lastCustomerResponseAt,
    agency: state.agency,
    closedAt: state.closure?.at ?? null,
    closedReason: state.closure?.reason ?? null,
    stateSequence: state.sequence,
  };
}

/** The view with its day count brought to `now`: a workflow's own clock stands still between its timers. */
export function viewAsOf(view: InvoiceView, now: number): InvoiceView {
  return { ...view, daysOverdue: daysBetween(view.dueDate, localDateAt(now, view.customer.timeZone)) };
}
