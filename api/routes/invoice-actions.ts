import type { z } from 'zod';
import { addDays } from '../../domain/calendar';
import type { CommandInput, CommandType } from '../../domain/commands';
import { closedStatuses } from '../../domain/invoice';
import { splitEvenly } from '../../domain/money';
import type { ApiRole } from '../../domain/roles';
import { Problem } from '../problem-details';
import { callerOf, defineRoute, type ApiTag } from '../route';
import {
  acceptPaymentPlanBody,
  agencyOutcomeBody,
  amendBody,
  cancelBody,
  customerResponseBody,
  openDisputeBody,
  paymentPlanProposal,
  paymentPlanProposalBody,
  pauseBody,
  promiseToPayBody,
  recordPaymentBody,
  resolveDisputeBody,
  resumeBody,
  writeOffBody,
} from '../schemas/commands';
import { invoice, invoicePath } from '../schemas/invoice';

const staff: ApiRole[] = ['bookkeeper', 'manager'];

interface InvoiceAction<T extends CommandType> {
  command: T;
  /** Under /invoices/:invoiceId/ */
  path: string;
  tag: ApiTag;
  summary: string;
  description: string;
  roles: ApiRole[];
  body: z.ZodType<Omit<CommandInput<T>, 'actor'>>;
}

/** An action on one invoice, carried out by its workflow as an update that answers the invoice or why not. */
function invoiceAction<T extends CommandType>(action: InvoiceAction<T>) {
  return defineRoute({
    method: 'post',
    path: `/invoices/:invoiceId/${action.path}`,
    operationId: action.command,
    tag: action.tag,
    summary: action.summary,
    description: action.description,
    access: { roles: action.roles },
    params: invoicePath,
    body: action.body,
    responses: [{ status: 200, description: 'The invoice after the action.', schema: invoice }],
    problems: ['not-found', 'invoice-closed', 'invoice-state-conflict', 'command-refused'],
    async handle(input, { invoices }) {
      const command = { ...input.body, actor: callerOf(input).name } as CommandInput<T>;
      return { status: 200, body: await invoices.command(input.params.invoiceId, action.command, command) };
    },
  });
}

const proposePaymentPlan = defineRoute({
  method: 'post',
  path: '/invoices/:invoiceId/payment-plan-proposals',
  operationId: 'proposePaymentPlan',
  tag: 'staff actions',
  summary: 'Propose a payment plan',
  description:
    'Splits the current balance into equal installments (differing by at most one minor unit) that add up exactly; ' +
    'changes nothing. Send the installments to /payment-plans once the customer agrees.',
  access: { roles: staff },
  params: invoicePath,
  body: paymentPlanProposalBody,
  responses: [{ status: 200, description: 'The proposed installments.', schema: paymentPlanProposal }],
  problems: ['not-found', 'invoice-closed', 'command-refused'],
  async handle({ params, body }, { invoices, policies }) {
    const current = await invoices.view(params.invoiceId);
    if ((closedStatuses as readonly string[]).includes(current.status)) {
      throw new Problem(
        'invoice-closed',
        `Invoice ${params.invoiceId} is ${current.status}; it needs no payment plan.`,
      );
    }
    const { maxInstallments } = policies.choose({
      policyId: current.policyId,
      customerId: current.customer.id,
    });
    if (body.installmentCount > maxInstallments || body.installmentCount > current.balance) {
      throw new Problem(
        'command-refused',
        `A balance of ${current.balance} can be split into at most ${Math.min(maxInstallments, current.balance)} installments.`,
      );
    }
    const installments = splitEvenly(current.balance, body.installmentCount).map((amount, index) => ({
      dueDate: addDays(body.firstDueDate, index * body.intervalDays),
      amount,
    }));
    const proposal: z.output<typeof paymentPlanProposal> = {
      currency: current.currency,
      balance: current.balance,
      installments,
    };
    return { status: 200, body: proposal };
  },
});

export const invoiceActionRoutes = [
  invoiceAction({
    command: 'recordPayment',
    path: 'payments',
    tag: 'staff actions',
    summary: 'Record a payment',
    description:
      'A partial payment lowers the balance and the ladder goes on; a full (or over-) payment closes the invoice as paid. ' +
      'Idempotent by reference: the same reference and amount again changes nothing; a different amount is a 409.',
    roles: ['billing-system', ...staff],
    body: recordPaymentBody,
  }),
  invoiceAction({
    command: 'openDispute',
    path: 'disputes',
    tag: 'staff actions',
    summary: 'Open a dispute',
    description: 'Pauses every reminder at once and opens a manager task to review the dispute.',
    roles: staff,
    body: openDisputeBody,
  }),
  invoiceAction({
    command: 'resolveDispute',
    path: 'dispute-resolutions',
    tag: 'staff actions',
    summary: 'Resolve the open dispute',
    description:
      'upheld: the invoice is credited and closed; adjusted: the balance becomes adjustedBalance and reminders resume; ' +
      'rejected: reminders resume, with no burst for the time spent paused.',
    roles: ['manager'],
    body: resolveDisputeBody,
  }),
  invoiceAction({
    command: 'recordCustomerResponse',
    path: 'customer-responses',
    tag: 'staff actions',
    summary: 'Record that the customer responded',
    description: 'Resets the "no response" clock that the agency hand-off waits on.',
    roles: staff,
    body: customerResponseBody,
  }),
  invoiceAction({
    command: 'promiseToPay',
    path: 'payment-promises',
    tag: 'staff actions',
    summary: 'Record a promise to pay by a date',
    description:
      'Pauses reminders until the promised date plus grace; then the ladder resumes unless the promise was kept.',
    roles: staff,
    body: promiseToPayBody,
  }),
  proposePaymentPlan,
  invoiceAction({
    command: 'acceptPaymentPlan',
    path: 'payment-plans',
    tag: 'staff actions',
    summary: 'Accept a payment plan',
    description:
      'Installments must add up to the balance exactly (see payment-plan-proposals). A reminder goes out before each ' +
      'installment; a missed installment plus grace defaults the plan and escalation resumes.',
    roles: staff,
    body: acceptPaymentPlanBody,
  }),
  invoiceAction({
    command: 'pause',
    path: 'pause',
    tag: 'staff actions',
    summary: 'Pause reminders',
    description: 'Holds the ladder until resumed; time on hold moves later stages back.',
    roles: staff,
    body: pauseBody,
  }),
  invoiceAction({
    command: 'resume',
    path: 'resume',
    tag: 'staff actions',
    summary: 'Resume reminders',
    description: 'Lifts a pause made with /pause.',
    roles: staff,
    body: resumeBody,
  }),
  invoiceAction({
    command: 'writeOff',
    path: 'write-off',
    tag: 'staff actions',
    summary: 'Write the invoice off',
    description: 'Closes the invoice as written off; nothing more is sent.',
    roles: ['manager'],
    body: writeOffBody,
  }),
  invoiceAction({
    command: 'recordAgencyOutcome',
    path: 'agency-outcomes',
    tag: 'staff actions',
    summary: "Report the collection agency's outcome",
    description:
      'recovered: the amount counts as a payment; returned: the account comes back and a manager task opens.',
    roles: ['agency'],
    body: agencyOutcomeBody,
  }),
  invoiceAction({
    command: 'amend',
    path: 'amendments',
    tag: 'invoices',
    summary: 'Amend an invoice',
    description: 'A new amount, due date or customer email; the ladder follows the new terms.',
    roles: ['billing-system'],
    body: amendBody,
  }),
  invoiceAction({
    command: 'cancel',
    path: 'cancellation',
    tag: 'invoices',
    summary: 'Cancel (void) an invoice',
    description: 'Closes the invoice as cancelled; nothing more is sent.',
    roles: ['billing-system'],
    body: cancelBody,
  }),
];
