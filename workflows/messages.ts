/**
 * Recoup's public Temporal contract: workflow type, task queue, workflow ids, and the names of every
 * signal, update and query. Renaming anything here breaks running workflows and callers.
 */
import { defineQuery, defineSignal, defineUpdate, type QueryDefinition } from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { commandTypes, type CommandInput, type CommandType } from '../domain/commands';
import type { InvoiceTerms } from '../domain/invoice';
import type { InvoiceView } from '../domain/invoice-view';
import type { InvoiceState, TimelineEntry } from '../domain/lifecycle';
import type { CollectionPolicy } from '../domain/policy';

export const taskQueue = 'invoice-collection';
export const workflowType = 'invoiceCollection';

export function workflowIdFor(invoiceId: string): string {
  return `invoice-${invoiceId}`;
}

export interface InvoiceCollectionInput {
  terms: InvoiceTerms;
  policy: CollectionPolicy;
  /** Set only by continue-as-new: the state the previous run ended with. */
  carriedState?: InvoiceState;
}

/**
 * How every caller starts an invoice's workflow: one per invoice, and never again once it has closed
 * (a paid or cancelled invoice must never start chasing again).
 */
export function invoiceStartOptions(input: InvoiceCollectionInput) {
  return {
    taskQueue,
    workflowId: workflowIdFor(input.terms.invoiceId),
    args: [input] as [InvoiceCollectionInput],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  } as const;
}

/** Fire-and-forget events, named for what happened; a refused one is written to the timeline. */
export const signalNames = {
  recordPayment: 'paymentReceived',
  openDispute: 'disputeOpened',
  resolveDispute: 'disputeResolved',
  recordCustomerResponse: 'customerResponded',
  promiseToPay: 'paymentPromised',
  acceptPaymentPlan: 'paymentPlanAccepted',
  amend: 'invoiceAmended',
  cancel: 'invoiceCancelled',
  writeOff: 'invoiceWrittenOff',
  pause: 'remindersPaused',
  resume: 'remindersResumed',
  recordAgencyOutcome: 'agencyOutcomeReported',
  reportEmailProblem: 'emailProblemReported',
  completeTask: 'taskCompleted',
} as const satisfies Record<CommandType, string>;

type CommandSignals = { [T in CommandType]: SignalDefinition<[CommandInput<T>], (typeof signalNames)[T]> };
/** Updates answer yes (the invoice as it now stands) or no (why not); each is named as its command. */
type CommandUpdates = { [T in CommandType]: UpdateDefinition<InvoiceView, [CommandInput<T>], T> };

export const commandSignals = Object.fromEntries(
  commandTypes.map((type) => [type, defineSignal(signalNames[type])]),
) as CommandSignals;

export const commandUpdates = Object.fromEntries(
  commandTypes.map((type) => [type, defineUpdate(type)]),
) as CommandUpdates;

export const paymentReceivedSignal = commandSignals.recordPayment;

export const invoiceStateQuery: QueryDefinition<InvoiceView> = defineQuery<InvoiceView>('invoiceState');
export const timelineQuery: QueryDefinition<TimelineEntry[]> = defineQuery<TimelineEntry[]>('timeline');

/** Failure types an update can be refused with (ApplicationFailure.type). */
export const rejectionTypes = { conflict: 'InvoiceStateConflict', invalid: 'InvalidInvoiceCommand' } as const;
