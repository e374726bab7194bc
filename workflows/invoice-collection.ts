import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { RecoupActivities } from '../activities';
import { emailRejectedFailure, inactiveRecipientFailure } from '../activities/failure-types';
import { agencyPayload } from '../domain/agency';
import { commandTypes, CommandRejected, type CommandType, type InvoiceCommand } from '../domain/commands';
import { viewOf, type InvoiceView } from '../domain/invoice-view';
import {
  applyCommand,
  isClosed,
  nextWakeup,
  onWakeup,
  recordRefusal,
  startInvoice,
  withholdEmail,
  type Effect,
  type InvoiceState,
  type Transition,
} from '../domain/lifecycle';
import {
  commandSignals,
  commandUpdates,
  invoiceStateQuery,
  rejectionTypes,
  timelineQuery,
  type InvoiceCollectionInput,
} from './messages';

const { recordProjection, sendCollectionEmail, openTask, handOffToAgency } =
  proxyActivities<RecoupActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });

/**
 * One unpaid invoice, from issue to paid, cancelled, written off or handed to the agency.
 * The rules live in domain/lifecycle.ts; this function only waits, listens and carries out effects.
 */
export async function invoiceCollection(input: InvoiceCollectionInput): Promise<InvoiceView> {
  const start = input.carriedState
    ? { state: input.carriedState, effects: [] }
    : startInvoice(input.terms, input.policy, Date.now());
  let state: InvoiceState = start.state;
  const pendingEffects: Effect[] = [...start.effects];
  let projectedSequence = input.carriedState?.sequence ?? 0;
  let projectedTimeline = input.carriedState?.timeline.length ?? 0;

  const commit = (transition: Transition): void => {
    state = transition.state;
    pendingEffects.push(...transition.effects);
  };

  const apply = (command: InvoiceCommand): void => commit(applyCommand(state, command, Date.now()));

  for (const type of commandTypes) registerCommand(type);

  function registerCommand(type: CommandType): void {
    const asCommand = (payload: object) => ({ ...payload, type }) as InvoiceCommand;
    const signal = commandSignals[type] as SignalDefinition<[object]>;
    const update = commandUpdates[type] as UpdateDefinition<InvoiceView, [object]>;
    setHandler(signal, (payload) => {
      try {
        apply(asCommand(payload));
      } catch (error) {
        if (!(error instanceof CommandRejected)) throw error;
        log.warn('Signal refused', { signal: type, reason: error.message });
        commit(recordRefusal(state, asCommand(payload), error, Date.now()));
      }
    });
    setHandler(
      update,
      (payload) => {
        asFailure(() => apply(asCommand(payload)));
        return viewOf(state, Date.now());
      },
      { validator: (payload) => asFailure(() => applyCommand(state, asCommand(payload), Date.now())) },
    );
  }

  setHandler(invoiceStateQuery, () => viewOf(state, Date.now()));
  setHandler(timelineQuery, () => state.timeline);

  async function project(): Promise<void> {
    const sequence = state.sequence;
    const newEvents = state.timeline.slice(projectedTimeline);
    await recordProjection({ state: { ...state, timeline: [] }, newEvents, at: new Date().toISOString() });
    projectedSequence = Math.max(projectedSequence, sequence);
    projectedTimeline += newEvents.length;
  }

  async function perform(effect: Effect): Promise<void> {
    // Re-checked at the moment of sending: a payment that arrived meanwhile cancels every reminder,
    // and a dispute pauses them at once.
    if (isClosed(state)) return;
    if (effect.kind === 'sendEmail' && state.dispute) {
      commit(withholdEmail(state, effect.key, 'a dispute was opened before it went out', Date.now()));
      return;
    }
    const invoiceId = state.terms.invoiceId;
    switch (effect.kind) {
      case 'sendEmail':
        try {
          await sendCollectionEmail({ invoice: viewOf(state, Date.now()), effect });
        } catch (error) {
          const refusal = providerRefusal(error);
          if (!refusal) throw error;
          apply({
            type: 'reportEmailProblem',
            ...refusal,
            emailAddress: state.terms.customer.email,
            actor: 'postmark',
          });
        }
        return;
      case 'openTask':
        await openTask({
          invoice: viewOf(state, Date.now()),
          key: effect.key,
          kind: effect.taskKind,
          detail: effect.detail,
        });
        return;
      case 'handOffToAgency':
        await handOffToAgency({ invoiceId, payload: agencyPayload(state, Date.now()) });
        return;
    }
  }

  /** Writes the projection, then carries out effects in order, including any that signals add meanwhile. */
  async function settle(): Promise<void> {
    while (pendingEffects.length > 0 || projectedSequence < state.sequence) {
      if (projectedSequence < state.sequence) await project();
      const effect = pendingEffects.shift();
      if (effect) await perform(effect);
    }
  }

  while (true) {
    await settle();
    if (isClosed(state)) break;
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await settle();
      await continueAsNew<typeof invoiceCollection>({ ...input, carriedState: state });
    }
    const wakeup = nextWakeup(state, Date.now());
    const seen = state.sequence;
    const changed = () => state.sequence !== seen;
    if (!wakeup) {
      await condition(changed);
      continue;
    }
    const woken = await condition(changed, Math.max(1, wakeup.at - Date.now()));
    if (!woken) commit(onWakeup(state, wakeup, Date.now()));
  }
  await condition(allHandlersFinished);
  await settle();
  return viewOf(state, Date.now());
}

/** A refusal by the email provider that retrying cannot fix, as the problem it reports. */
function providerRefusal(
  error: unknown,
): { kind: 'inactiveRecipient' | 'rejected'; description: string } | null {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return null;
  const { type, message } = error.cause;
  if (type === inactiveRecipientFailure) return { kind: 'inactiveRecipient', description: message };
  if (type === emailRejectedFailure) return { kind: 'rejected', description: message };
  return null;
}

/** Turns a refused command into the failure type callers match on (409 or 422 at the API). */
function asFailure(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandRejected) {
      throw ApplicationFailure.create({
        type: rejectionTypes[error.kind],
        message: error.message,
        nonRetryable: true,
      });
    }
    throw error;
  }
}
