import {
  QueryRejectedError,
  WorkflowClient,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { CommandInput, CommandType, InvoiceCommand } from '../domain/commands';
import type { InvoiceTerms } from '../domain/invoice';
import { viewAsOf, viewOf, type InvoiceView } from '../domain/invoice-view';
import { UnknownPolicyError, type PolicyCatalogue } from '../runtime/policy-catalogue';
import { startInvoice, type TimelineEntry } from '../domain/lifecycle';
import {
  commandSignals,
  commandUpdates,
  invoiceStateQuery,
  invoiceStartOptions,
  rejectionTypes,
  taskQueue,
  timelineQuery,
  workflowIdFor,
  workflowType,
  type InvoiceCollectionInput,
} from '../workflows/messages';
import { differingFields } from './differing-fields';
import type { InvoiceProjection } from './invoice-projection';
import type { ApiMetrics } from './metrics';
import { Problem } from './problem-details';

export type StartOutcome = { created: boolean; invoice: InvoiceView };

export interface InvoiceWorkflows {
  /** Starts collection, or finds the invoice already started with the same terms. */
  /** Starts collection on the named policy, else the customer's, else the default. */
  start(terms: InvoiceTerms, policyId?: string): Promise<StartOutcome>;
  /** The live state while the workflow runs; the projection once it has closed. */
  view(invoiceId: string): Promise<InvoiceView>;
  timeline(invoiceId: string): Promise<TimelineEntry[]>;
  /** Sends a command as an update and answers the invoice as it now stands, or a Problem saying why not. */
  command<T extends CommandType>(invoiceId: string, type: T, input: CommandInput<T>): Promise<InvoiceView>;
  /** Sends a command as a signal; false when the invoice's workflow is no longer running. */
  signal<T extends CommandType>(invoiceId: string, type: T, input: CommandInput<T>): Promise<boolean>;
}

export interface InvoiceWorkflowDependencies {
  temporal: Client;
  policies: PolicyCatalogue;
  projection: InvoiceProjection;
  metrics: ApiMetrics;
  /** How long a query or update may wait for the worker before the caller gets a 503. */
  answerTimeoutMs?: number;
}

function choosePolicy(policies: PolicyCatalogue, policyId: string | undefined, customerId: string) {
  try {
    return policies.choose({ policyId, customerId });
  } catch (error) {
    if (!(error instanceof UnknownPolicyError)) throw error;
    throw new Problem('validation-failed', error.message, {
      errors: [{ in: 'body', path: 'policyId', message: error.message }],
    });
  }
}

export function createInvoiceWorkflows(deps: InvoiceWorkflowDependencies): InvoiceWorkflows {
  const { temporal, policies, projection, metrics } = deps;
  const answerTimeoutMs = deps.answerTimeoutMs ?? 10_000;
  // Queries on a closed workflow are answered from the projection, so the worker never replays one for a GET.
  const openWorkflows = new WorkflowClient({
    connection: temporal.connection,
    namespace: temporal.options.namespace,
    dataConverter: temporal.options.dataConverter,
    queryRejectCondition: 'NOT_OPEN',
  });
  const withinAnswerTime = <T>(call: () => Promise<T>) =>
    temporal.withDeadline(Date.now() + answerTimeoutMs, call);

  async function startInput(invoiceId: string): Promise<InvoiceCollectionInput> {
    const { history } = await temporal.workflowService.getWorkflowExecutionHistory({
      namespace: temporal.options.namespace,
      execution: { workflowId: workflowIdFor(invoiceId) },
      maximumPageSize: 1,
    });
    const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    return decodeFromPayloadsAtIndex<InvoiceCollectionInput>(
      temporal.options.loadedDataConverter,
      0,
      payloads,
    );
  }

  async function existing(terms: InvoiceTerms): Promise<StartOutcome> {
    let started: InvoiceTerms;
    try {
      started = (await startInput(terms.invoiceId)).terms;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      metrics.workflowStarts.inc({ outcome: 'conflict' });
      throw new Problem(
        'invoice-conflict',
        `Invoice ${terms.invoiceId} was closed long enough ago that its workflow history is gone; it cannot be started again. Use a new invoiceId.`,
      );
    }
    const differing = differingFields(started, terms);
    if (differing.length > 0) {
      metrics.workflowStarts.inc({ outcome: 'conflict' });
      throw new Problem(
        'invoice-conflict',
        `Invoice ${terms.invoiceId} was already started with different ${differing.join(', ')}. Send the same body to get it back, or amend it.`,
        { differingFields: differing },
      );
    }
    metrics.workflowStarts.inc({ outcome: 'existing' });
    return { created: false, invoice: await view(terms.invoiceId) };
  }

  async function view(invoiceId: string): Promise<InvoiceView> {
    try {
      const live = await withinAnswerTime(() =>
        openWorkflows.getHandle(workflowIdFor(invoiceId)).query(invoiceStateQuery),
      );
      return viewAsOf(live, Date.now());
    } catch (error) {
      if (!isClosedOrGone(error)) throw translate(error, invoiceId);
      return (await projection.closedInvoice(invoiceId)) ?? notFound(invoiceId);
    }
  }

  async function closedProblem(invoiceId: string, action: string): Promise<Problem> {
    const closed = await projection.closure(invoiceId);
    if (!closed) return notFoundProblem(invoiceId);
    return new Problem(
      'invoice-closed',
      `Invoice ${invoiceId} is ${closed.status.replace('_', ' ')}; ${action} is not possible.`,
      {
        invoiceStatus: closed.status,
      },
    );
  }

  return {
    async start(terms, policyId) {
      if (await projection.closure(terms.invoiceId)) return existing(terms);
      const policy = choosePolicy(policies, policyId, terms.customer.id);
      const input: InvoiceCollectionInput = { terms, policy };
      try {
        await temporal.workflow.start(workflowType, invoiceStartOptions(input));
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return existing(terms);
        throw translate(error, terms.invoiceId);
      }
      metrics.workflowStarts.inc({ outcome: 'started' });
      // The same pure transition the workflow makes first, so creating never waits on a worker.
      const now = Date.now();
      return { created: true, invoice: viewOf(startInvoice(terms, policy, now).state, now) };
    },

    view,

    async timeline(invoiceId) {
      try {
        return await withinAnswerTime(() =>
          openWorkflows.getHandle(workflowIdFor(invoiceId)).query(timelineQuery),
        );
      } catch (error) {
        if (!isClosedOrGone(error)) throw translate(error, invoiceId);
        return (await projection.closedTimeline(invoiceId)) ?? notFound(invoiceId);
      }
    },

    async command(invoiceId, type, input) {
      const handle = temporal.workflow.getHandle(workflowIdFor(invoiceId));
      try {
        const invoice = await withinAnswerTime(() =>
          handle.executeUpdate(commandUpdates[type], { args: [input] }),
        );
        metrics.workflowMessages.inc({ kind: 'update', name: type, outcome: 'accepted' });
        return viewAsOf(invoice, Date.now());
      } catch (error) {
        metrics.workflowMessages.inc({ kind: 'update', name: type, outcome: 'refused' });
        if (!(error instanceof WorkflowNotFoundError)) throw translate(error, invoiceId);
        const command = { ...input, type } as InvoiceCommand;
        // A payment retried after it closed the invoice is the same payment, not a conflict.
        if (
          command.type === 'recordPayment' &&
          (await projection.hasPayment(invoiceId, command.reference, command.amount))
        ) {
          return (await projection.closedInvoice(invoiceId)) ?? notFound(invoiceId);
        }
        throw await closedProblem(invoiceId, type);
      }
    },

    async signal(invoiceId, type, input) {
      try {
        await temporal.workflow.getHandle(workflowIdFor(invoiceId)).signal(commandSignals[type], input);
        metrics.workflowMessages.inc({ kind: 'signal', name: type, outcome: 'accepted' });
        return true;
      } catch (error) {
        metrics.workflowMessages.inc({ kind: 'signal', name: type, outcome: 'refused' });
        if (error instanceof WorkflowNotFoundError) return false;
        throw translate(error, invoiceId);
      }
    },
  };
}

function isClosedOrGone(error: unknown): boolean {
  return error instanceof QueryRejectedError || error instanceof WorkflowNotFoundError;
}

function notFoundProblem(invoiceId: string): Problem {
  return new Problem(
    'not-found',
    `No invoice ${invoiceId}. Check the id, or start its collection with POST /invoices.`,
  );
}

function notFound(invoiceId: string): never {
  throw notFoundProblem(invoiceId);
}

/** What a refusal or failure from Temporal means to the caller. */
function translate(error: unknown, invoiceId: string): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type === rejectionTypes.conflict)
      return new Problem('invoice-state-conflict', error.cause.message);
    if (error.cause.type === rejectionTypes.invalid)
      return new Problem('command-refused', error.cause.message);
  }
  if (error instanceof WorkflowNotFoundError) return notFoundProblem(invoiceId);
  if (isUnavailable(error)) {
    return new Problem(
      'service-unavailable',
      `Temporal did not answer for invoice ${invoiceId} in time; retry shortly. (Operators: check that Temporal is up and workers poll the task queue ${taskQueue}.)`,
      {},
      { 'Retry-After': '5' },
    );
  }
  return error;
}

const unavailableCodes = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function isUnavailable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number' && unavailableCodes.has(code)) return true;
  }
  return false;
}
