import { addDays, daysBetween, localDateAt, type LocalDate } from './calendar';
import { CommandRejected, type CommandOf, type InstallmentTerms, type InvoiceCommand } from './commands';
import {
  describeDaysOverdue,
  type ClosedStatus,
  type Instant,
  type InvoiceStatus,
  type InvoiceTerms,
} from './invoice';
import type { MinorUnits } from './money';
import type { CollectionPolicy, CollectionStage, EmailTemplateId } from './policy';
import { firstSendSlotAtOrAfter, sendSlotOn, stageSendTime, type SendWindow } from './schedule';
import { taskRole, type TaskKind } from './tasks';

const dayMs = 86_400_000;

export interface PaymentRecord {
  reference: string;
  amount: MinorUnits;
  at: Instant;
}

export interface StageOutcome {
  outcome: 'done' | 'skipped';
  at: Instant;
  reason?: string;
}

export interface Installment extends InstallmentTerms {
  sequence: number;
  paid: MinorUnits;
  reminded: boolean;
}

export interface PaymentPlan {
  sequence: number;
  acceptedAt: Instant;
  installments: Installment[];
}

export interface PromiseOfPayment {
  promisedDate: LocalDate;
  amount: MinorUnits;
  madeAt: Instant;
  /** Total paid when the promise was made; the promise is kept when payments since reach `amount`. */
  paidBefore: MinorUnits;
}

export interface TimelineEntry {
  sequence: number;
  at: Instant;
  type: string;
  summary: string;
  actor?: string;
  data: Record<string, unknown>;
}

/** The whole life of one invoice as the workflow holds it; plain data so it survives continue-as-new. */
export interface InvoiceState {
  terms: InvoiceTerms;
  policy: CollectionPolicy;
  balance: MinorUnits;
  overpaid: MinorUnits;
  closure: { status: ClosedStatus; at: Instant; reason: string } | null;
  payments: PaymentRecord[];
  stages: Record<string, StageOutcome>;
  /** Whole days the ladder has spent on hold; later stages move back by this much. */
  pausedDays: number;
  holdStartedAt: Instant | null;
  dispute: { sequence: number; reason: string; openedAt: Instant } | null;
  disputeCount: number;
  promise: PromiseOfPayment | null;
  plan: PaymentPlan | null;
  planCount: number;
  manualPause: { reason: string; since: Instant } | null;
  lastCustomerResponseAt: Instant | null;
  agency: { handedOffAt: Instant; returnedAt: Instant | null } | null;
  emailSuppressed: boolean;
  /** Bumped by every transition; the projection never lets an older sequence overwrite a newer one. */
  sequence: number;
  timeline: TimelineEntry[];
}

export interface InstallmentReminderDetails {
  sequence: number;
  count: number;
  amount: MinorUnits;
  dueDate: LocalDate;
}

export type Effect =
  | {
      kind: 'sendEmail';
      key: string;
      template: EmailTemplateId;
      offersPaymentPlan: boolean;
      installment?: InstallmentReminderDetails;
    }
  | { kind: 'openTask'; key: string; taskKind: TaskKind; detail?: string }
  | { kind: 'handOffToAgency' };

export interface Transition {
  state: InvoiceState;
  effects: Effect[];
}

export type Wakeup =
  | { kind: 'stage'; at: number; stageKey: string }
  | { kind: 'promiseLapse'; at: number }
  | { kind: 'installmentReminder'; at: number; sequence: number }
  | { kind: 'installmentDeadline'; at: number; sequence: number };

const iso = (ms: number): Instant => new Date(ms).toISOString();

export function startInvoice(terms: InvoiceTerms, policy: CollectionPolicy, now: number): Transition {
  const state: InvoiceState = {
    terms,
    policy,
    balance: terms.amount,
    overpaid: 0,
    closure: null,
    payments: [],
    stages: {},
    pausedDays: 0,
    holdStartedAt: null,
    dispute: null,
    disputeCount: 0,
    promise: null,
    plan: null,
    planCount: 0,
    manualPause: null,
    lastCustomerResponseAt: null,
    agency: null,
    emailSuppressed: false,
    sequence: 0,
    timeline: [],
  };
  const draft = new Draft(state, now);
  draft.record('invoice.started', `Collection started for invoice ${terms.invoiceNumber}`, {
    amount: terms.amount,
    currency: terms.currency,
    dueDate: terms.dueDate,
    policy: policy.id,
  });
  for (const stage of policy.stages) {
    if (stage.anchor === 'issueDate' && stage.email === 'invoice' && !terms.sendInvoiceEmail) {
      draft.skipStage(stage, 'the billing system sends the invoice itself');
    }
  }
  return draft.finish();
}

export function statusOf(state: InvoiceState): InvoiceStatus {
  if (state.closure) return state.closure.status;
  if (state.agency) return state.agency.returnedAt ? 'returned_by_agency' : 'with_agency';
  if (state.dispute) return 'disputed';
  if (state.plan) return 'on_plan';
  if (state.promise) return 'promised';
  if (state.manualPause) return 'paused';
  return 'open';
}

export function isClosed(state: InvoiceState): boolean {
  return state.closure !== null;
}

/** The ladder stands still while a person or an agreement is dealing with the invoice. */
export function isOnHold(state: InvoiceState): boolean {
  return Boolean(state.dispute || state.plan || state.promise || state.manualPause || state.agency);
}

export function sendWindowOf(state: InvoiceState): SendWindow {
  return {
    timeZone: state.terms.customer.timeZone,
    sendHour: state.policy.sendHour,
    holidays: state.policy.holidays,
  };
}

export function totalPaid(state: InvoiceState): MinorUnits {
  return state.payments.reduce((sum, payment) => sum + payment.amount, 0);
}

export function daysOverdue(state: InvoiceState, now: number): number {
  return daysBetween(state.terms.dueDate, localDateAt(now, state.terms.customer.timeZone));
}

/** When a stage is due, given holds so far and the customer's silence. */
export function stageDueAt(state: InvoiceState, stage: CollectionStage): number {
  const { issueDate, dueDate } = state.terms;
  const window = sendWindowOf(state);
  const scheduled =
    stage.anchor === 'issueDate'
      ? stageSendTime(issueDate, stage.offsetDays, window, issueDate)
      : stageSendTime(dueDate, stage.offsetDays + state.pausedDays, window, issueDate);
  const silence = stage.requiresNoResponseForDays;
  if (!silence || !state.lastCustomerResponseAt) return scheduled;
  const silentLongEnough = firstSendSlotAtOrAfter(
    Date.parse(state.lastCustomerResponseAt) + silence * dayMs,
    window,
  );
  return Math.max(scheduled, silentLongEnough);
}

export function pendingStages(state: InvoiceState): CollectionStage[] {
  return state.policy.stages.filter((stage) => !state.stages[stage.key]);
}

/** How late a reminder may still go out at once; later than that it waits for the next send slot. */
const catchUpGraceMs = 3_600_000;

/** The next moment the workflow must act on its own, or null when it only waits for people. */
export function nextWakeup(state: InvoiceState, now: number): Wakeup | null {
  if (isClosed(state)) return null;
  const candidates: Wakeup[] = [];
  const next = pendingStages(state)[0];
  if (next && !isOnHold(state)) {
    const scheduled = stageDueAt(state, next);
    // An overdue reminder (late start, moved due date, resumed ladder) waits for a business day at the send hour.
    const at =
      next.anchor === 'dueDate' && scheduled < now - catchUpGraceMs
        ? firstSendSlotAtOrAfter(now, sendWindowOf(state))
        : scheduled;
    candidates.push({ kind: 'stage', at, stageKey: next.key });
  }
  if (state.promise) candidates.push({ kind: 'promiseLapse', at: promiseLapsesAt(state, state.promise) });
  if (state.plan) candidates.push(...installmentWakeups(state, state.plan));
  return candidates.reduce<Wakeup | null>(
    (earliest, w) => (!earliest || w.at < earliest.at ? w : earliest),
    null,
  );
}

function promiseLapsesAt(state: InvoiceState, promise: PromiseOfPayment): number {
  return sendSlotOn(addDays(promise.promisedDate, state.policy.promiseGraceDays), sendWindowOf(state));
}

function installmentWakeups(state: InvoiceState, plan: PaymentPlan): Wakeup[] {
  const window = sendWindowOf(state);
  const unpaid = plan.installments.find((installment) => installment.paid < installment.amount);
  if (!unpaid) return [];
  const deadline: Wakeup = {
    kind: 'installmentDeadline',
    sequence: unpaid.sequence,
    at: sendSlotOn(addDays(unpaid.dueDate, state.policy.installmentGraceDays), window),
  };
  const reminders = plan.installments
    .filter((installment) => !installment.reminded && installment.paid < installment.amount)
    .map<Wakeup>((installment) => ({
      kind: 'installmentReminder',
      sequence: installment.sequence,
      at: sendSlotOn(addDays(installment.dueDate, -state.policy.installmentReminderDaysBefore), window),
    }));
  return [deadline, ...reminders];
}

/** Acts on a wakeup that has come due. */
export function onWakeup(state: InvoiceState, wakeup: Wakeup, now: number): Transition {
  const draft = new Draft(state, now);
  switch (wakeup.kind) {
    case 'stage':
      draft.reachDueStages();
      break;
    case 'promiseLapse':
      draft.lapsePromise();
      break;
    case 'installmentReminder':
      draft.remindInstallment(wakeup.sequence);
      break;
    case 'installmentDeadline':
      draft.checkInstallmentDeadline(wakeup.sequence);
      break;
  }
  return draft.finish();
}

/** Applies a command from a person or system; throws CommandRejected with the reason when it can't apply. */
export function applyCommand(state: InvoiceState, command: InvoiceCommand, now: number): Transition {
  const draft = new Draft(state, now, command.actor);
  draft.apply(command);
  // Every change records itself; a command that records nothing (a payment already recorded) changes nothing.
  if (draft.state.timeline.length === state.timeline.length) return { state, effects: [] };
  return draft.finish();
}

/** Records an email decided on but not sent, because the invoice changed before it could go out. */
export function withholdEmail(state: InvoiceState, key: string, reason: string, now: number): Transition {
  const draft = new Draft(state, now);
  draft.record('email.withheld', `Email ${key} withheld: ${reason}`, { key });
  return draft.finish();
}

/** Writes a refused fire-and-forget command (a signal, which cannot answer no) to the timeline. */
export function recordRefusal(
  state: InvoiceState,
  command: InvoiceCommand,
  refusal: CommandRejected,
  now: number,
): Transition {
  const draft = new Draft(state, now, command.actor);
  draft.record('command.refused', `${command.type} refused: ${refusal.message}`, {
    command: command.type,
    kind: refusal.kind,
  });
  return draft.finish();
}

/** A working copy of the state for one transition; collects effects and timeline entries. */
class Draft {
  readonly state: InvoiceState;
  readonly effects: Effect[] = [];
  private readonly wasOnHold: boolean;

  constructor(
    original: InvoiceState,
    private readonly now: number,
    private readonly actor?: string,
  ) {
    // State is plain JSON; structuredClone is not available inside the workflow sandbox.
    this.state = JSON.parse(JSON.stringify(original)) as InvoiceState;
    this.wasOnHold = isOnHold(original);
  }

  finish(): Transition {
    this.accountForHold();
    this.state.sequence += 1;
    return { state: this.state, effects: this.effects };
  }

  record(type: string, summary: string, data: Record<string, unknown> = {}): void {
    const entry: TimelineEntry = {
      sequence: this.state.timeline.length + 1,
      at: iso(this.now),
      type,
      summary,
      data,
    };
    if (this.actor) entry.actor = this.actor;
    this.state.timeline.push(entry);
  }

  apply(command: InvoiceCommand): void {
    if (command.type === 'recordPayment' && this.isDuplicatePayment(command)) return;
    if (command.type !== 'completeTask' && command.type !== 'reportEmailProblem')
      this.requireOpen(command.type);
    switch (command.type) {
      case 'recordPayment':
        return this.recordPayment(command);
      case 'openDispute':
        return this.openDispute(command);
      case 'resolveDispute':
        return this.resolveDispute(command);
      case 'recordCustomerResponse':
        this.customerResponded();
        return this.record('customer.responded', `Customer responded: ${command.note}`, {
          note: command.note,
        });
      case 'promiseToPay':
        return this.promiseToPay(command);
      case 'acceptPaymentPlan':
        return this.acceptPaymentPlan(command);
      case 'amend':
        return this.amend(command);
      case 'cancel':
        return this.close(
          'cancelled',
          command.reason,
          'invoice.cancelled',
          `Invoice cancelled: ${command.reason}`,
        );
      case 'writeOff':
        return this.writeOff(command);
      case 'pause':
        return this.pause(command);
      case 'resume':
        return this.resume(command);
      case 'recordAgencyOutcome':
        return this.recordAgencyOutcome(command);
      case 'reportEmailProblem':
        return this.reportEmailProblem(command);
      case 'completeTask':
        return this.completeTask(command);
    }
  }

  private requireOpen(action: string): void {
    const { closure } = this.state;
    if (closure) {
      throw new CommandRejected(
        'conflict',
        `Invoice is ${closure.status.replace('_', ' ')}; ${action} is not possible.`,
      );
    }
  }

  private isDuplicatePayment(command: { reference: string; amount: MinorUnits }): boolean {
    const earlier = this.state.payments.find((payment) => payment.reference === command.reference);
    if (!earlier) return false;
    if (earlier.amount !== command.amount) {
      throw new CommandRejected(
        'conflict',
        `Payment reference ${command.reference} was already recorded with amount ${earlier.amount}; use a new reference for a different payment.`,
      );
    }
    return true;
  }

  private recordPayment(command: CommandOf<'recordPayment'>): void {
    const { currency } = this.state.terms;
    if (command.currency !== currency) {
      throw new CommandRejected(
        'invalid',
        `Payment currency ${command.currency} differs from the invoice's ${currency}.`,
      );
    }
    this.customerResponded();
    this.addPayment(command.reference, command.amount, 'payment.recorded', 'Payment');
  }

  private addPayment(reference: string, amount: MinorUnits, type: string, label: string): void {
    const state = this.state;
    state.payments.push({ reference, amount, at: iso(this.now) });
    const applied = Math.min(amount, state.balance);
    state.balance -= applied;
    state.overpaid += amount - applied;
    if (state.plan) this.applyToInstallments(state.plan, amount);
    const overpaid = amount - applied;
    this.record(
      type,
      `${label} of ${amount} received (reference ${reference}); balance ${state.balance}` +
        (overpaid > 0 ? `; overpaid by ${overpaid}` : ''),
      { reference, amount, balance: state.balance, ...(overpaid > 0 ? { overpaid } : {}) },
    );
    if (state.balance === 0)
      this.close('paid', `paid in full by ${reference}`, 'invoice.paid', 'Invoice paid in full');
  }

  private applyToInstallments(plan: PaymentPlan, amount: MinorUnits): void {
    let left = amount;
    for (const installment of plan.installments) {
      const taken = Math.min(left, installment.amount - installment.paid);
      installment.paid += taken;
      left -= taken;
    }
  }

  private openDispute(command: CommandOf<'openDispute'>): void {
    const state = this.state;
    if (state.dispute) throw new CommandRejected('conflict', 'A dispute is already open; resolve it first.');
    this.requireInHouse('open a dispute');
    state.disputeCount += 1;
    state.dispute = { sequence: state.disputeCount, reason: command.reason, openedAt: iso(this.now) };
    this.customerResponded();
    this.record('dispute.opened', `Dispute opened: ${command.reason}; reminders paused`, {
      dispute: state.disputeCount,
      reason: command.reason,
    });
    this.openTask(`dispute-${state.disputeCount}`, 'disputeReview', command.reason);
  }

  private resolveDispute(command: CommandOf<'resolveDispute'>): void {
    const state = this.state;
    const dispute = state.dispute;
    if (!dispute) throw new CommandRejected('conflict', 'No dispute is open on this invoice.');
    const note = command.note ? `: ${command.note}` : '';
    const data = { dispute: dispute.sequence, resolution: command.resolution, note: command.note };
    if (command.resolution === 'adjusted') {
      const adjusted = command.adjustedBalance;
      if (adjusted === undefined || adjusted < 0 || adjusted >= state.balance) {
        throw new CommandRejected(
          'invalid',
          `An adjusted dispute needs adjustedBalance between 0 and ${state.balance - 1} (the balance now is ${state.balance}).`,
        );
      }
      state.dispute = null;
      state.balance = adjusted;
      this.record('dispute.resolved', `Dispute adjusted; balance now ${adjusted}${note}`, {
        ...data,
        balance: adjusted,
      });
      if (adjusted === 0)
        this.close('credited', 'dispute adjusted to nothing owed', 'invoice.credited', 'Invoice credited');
      return;
    }
    state.dispute = null;
    if (command.resolution === 'upheld') {
      this.record('dispute.resolved', `Dispute upheld${note}`, data);
      this.close(
        'credited',
        `dispute upheld${note}`,
        'invoice.credited',
        'Invoice credited after upheld dispute',
      );
      return;
    }
    this.record('dispute.resolved', `Dispute rejected; reminders resume${note}`, data);
  }

  private promiseToPay(command: CommandOf<'promiseToPay'>): void {
    const state = this.state;
    this.requireInHouse('record a promise to pay');
    if (state.dispute || state.plan) {
      throw new CommandRejected(
        'conflict',
        'A promise cannot replace an open dispute or an active payment plan.',
      );
    }
    const today = localDateAt(this.now, state.terms.customer.timeZone);
    if (command.promisedDate < today) {
      throw new CommandRejected(
        'invalid',
        `promisedDate ${command.promisedDate} is in the past (today is ${today}).`,
      );
    }
    const amount = command.amount ?? state.balance;
    if (amount <= 0 || amount > state.balance) {
      throw new CommandRejected(
        'invalid',
        `A promised amount must be between 1 and the balance, ${state.balance}.`,
      );
    }
    state.promise = {
      promisedDate: command.promisedDate,
      amount,
      madeAt: iso(this.now),
      paidBefore: totalPaid(state),
    };
    this.customerResponded();
    this.record(
      'promise.made',
      `Customer promised to pay ${amount} by ${command.promisedDate}; reminders paused`,
      {
        promisedDate: command.promisedDate,
        amount,
        note: command.note,
      },
    );
  }

  lapsePromise(): void {
    const promise = this.state.promise;
    if (!promise) return;
    this.state.promise = null;
    const paidSince = totalPaid(this.state) - promise.paidBefore;
    if (paidSince >= promise.amount) {
      this.record('promise.kept', `Promise to pay ${promise.amount} kept; reminders resume for the rest`, {
        paidSince,
      });
      return;
    }
    this.record(
      'promise.broken',
      `Promise to pay ${promise.amount} by ${promise.promisedDate} broken; reminders resume`,
      {
        paidSince,
      },
    );
    this.openTask(
      `promise-broken-${promise.promisedDate}`,
      'promiseBroken',
      `promised ${promise.promisedDate}`,
    );
  }

  private acceptPaymentPlan(command: CommandOf<'acceptPaymentPlan'>): void {
    const state = this.state;
    this.requireInHouse('accept a payment plan');
    if (state.dispute)
      throw new CommandRejected('conflict', 'Resolve the open dispute before agreeing a payment plan.');
    if (state.plan) throw new CommandRejected('conflict', 'A payment plan is already active.');
    validateInstallments(command.installments, state, localDateAt(this.now, state.terms.customer.timeZone));
    state.planCount += 1;
    state.promise = null;
    const reminderLead = state.policy.installmentReminderDaysBefore;
    const window = sendWindowOf(state);
    state.plan = {
      sequence: state.planCount,
      acceptedAt: iso(this.now),
      installments: command.installments.map((terms, index) => ({
        ...terms,
        sequence: index + 1,
        paid: 0,
        // A reminder whose day has already gone would arrive late; the plan was just agreed, so none is needed.
        reminded: sendSlotOn(addDays(terms.dueDate, -reminderLead), window) <= this.now,
      })),
    };
    this.customerResponded();
    this.record(
      'plan.accepted',
      `Payment plan of ${command.installments.length} installments accepted; reminders paused while it runs`,
      { plan: state.planCount, installments: command.installments },
    );
  }

  remindInstallment(sequence: number): void {
    const plan = this.state.plan;
    const installment = plan?.installments.find((i) => i.sequence === sequence);
    if (!plan || !installment || installment.reminded) return;
    installment.reminded = true;
    this.record(
      'plan.installmentReminded',
      `Reminder sent for installment ${sequence} due ${installment.dueDate}`,
      {
        plan: plan.sequence,
        installment: sequence,
      },
    );
    this.sendEmail(`plan-${plan.sequence}-installment-${sequence}`, 'installmentReminder', false, {
      sequence,
      count: plan.installments.length,
      amount: installment.amount - installment.paid,
      dueDate: installment.dueDate,
    });
  }

  checkInstallmentDeadline(sequence: number): void {
    const plan = this.state.plan;
    const installment = plan?.installments.find((i) => i.sequence === sequence);
    if (!plan || !installment || installment.paid >= installment.amount) return;
    this.state.plan = null;
    this.record(
      'plan.defaulted',
      `Installment ${sequence} due ${installment.dueDate} unpaid after grace; plan defaulted, escalation resumes`,
      { plan: plan.sequence, installment: sequence, unpaid: installment.amount - installment.paid },
    );
    this.openTask(`plan-${plan.sequence}-defaulted`, 'planDefaulted', `installment ${sequence} missed`);
  }

  private amend(command: CommandOf<'amend'>): void {
    const state = this.state;
    const { terms } = state;
    const changes: Record<string, unknown> = {};
    if (command.dueDate !== undefined && command.dueDate !== terms.dueDate) {
      if (command.dueDate < terms.issueDate) {
        throw new CommandRejected(
          'invalid',
          `dueDate ${command.dueDate} is before the issue date ${terms.issueDate}.`,
        );
      }
      changes.dueDate = { from: terms.dueDate, to: command.dueDate };
      terms.dueDate = command.dueDate;
    }
    if (command.customerEmail !== undefined && command.customerEmail !== terms.customer.email) {
      changes.customerEmail = { from: terms.customer.email, to: command.customerEmail };
      terms.customer.email = command.customerEmail;
      state.emailSuppressed = false;
    }
    const amountChanged = command.amount !== undefined && command.amount !== terms.amount;
    if (amountChanged && state.plan) {
      throw new CommandRejected(
        'conflict',
        'The amount cannot change while a payment plan runs on the old balance.',
      );
    }
    if (amountChanged && command.amount !== undefined) {
      changes.amount = { from: terms.amount, to: command.amount };
      const paid = totalPaid(state);
      terms.amount = command.amount;
      state.balance = Math.max(0, command.amount - paid);
      state.overpaid = Math.max(0, paid - command.amount);
    }
    if (Object.keys(changes).length === 0) {
      throw new CommandRejected(
        'invalid',
        'The amendment changes nothing: give a new amount, dueDate or customerEmail.',
      );
    }
    this.record('invoice.amended', `Invoice amended: ${command.reason}`, {
      ...changes,
      reason: command.reason,
    });
    if (amountChanged && state.balance === 0) {
      this.close('paid', 'amended amount already paid', 'invoice.paid', 'Invoice paid in full');
    }
  }

  private writeOff(command: CommandOf<'writeOff'>): void {
    this.close(
      'written_off',
      command.reason,
      'invoice.writtenOff',
      `Written off (${this.state.balance}): ${command.reason}`,
    );
  }

  private pause(command: CommandOf<'pause'>): void {
    if (this.state.manualPause) throw new CommandRejected('conflict', 'Reminders are already paused.');
    this.state.manualPause = { reason: command.reason, since: iso(this.now) };
    this.record('ladder.paused', `Reminders paused: ${command.reason}`, { reason: command.reason });
  }

  private resume(command: CommandOf<'resume'>): void {
    if (!this.state.manualPause) throw new CommandRejected('conflict', 'Reminders are not paused by hand.');
    this.state.manualPause = null;
    this.record('ladder.resumed', `Reminders resumed${command.note ? `: ${command.note}` : ''}`, {});
  }

  private recordAgencyOutcome(command: CommandOf<'recordAgencyOutcome'>): void {
    const agency = this.state.agency;
    if (!agency || agency.returnedAt)
      throw new CommandRejected('conflict', 'The account is not with the agency.');
    if (command.outcome === 'returned') {
      agency.returnedAt = iso(this.now);
      this.record(
        'agency.returned',
        `Agency returned the account${command.note ? `: ${command.note}` : ''}`,
        {},
      );
      this.openTask('agency-returned', 'agencyReturned', command.note);
      return;
    }
    const amount = command.recoveredAmount;
    if (amount === undefined || amount <= 0) {
      throw new CommandRejected(
        'invalid',
        'A recovered outcome needs recoveredAmount, a positive amount in minor units.',
      );
    }
    const reference = command.reference ?? `agency-recovery-${this.state.payments.length + 1}`;
    if (this.isDuplicatePayment({ reference, amount })) return;
    this.addPayment(reference, amount, 'agency.recovered', 'Agency recovery');
  }

  private reportEmailProblem(command: CommandOf<'reportEmailProblem'>): void {
    if (command.kind === 'spamComplaint') {
      this.state.emailSuppressed = true;
      this.record(
        'email.spamComplaint',
        `Spam complaint from ${command.emailAddress}; no more email to this customer`,
        {},
      );
      return;
    }
    this.record(
      'email.undeliverable',
      `Email to ${command.emailAddress} undeliverable: ${command.description}`,
      {
        kind: command.kind,
      },
    );
    if (!this.state.closure) {
      this.openTask(`fix-email-${command.emailAddress}`, 'fixEmailAddress', command.description);
    }
  }

  private completeTask(command: CommandOf<'completeTask'>): void {
    if (command.customerReached && !this.state.closure) this.customerResponded();
    this.record('task.completed', `Task ${command.taskKey} completed: ${command.outcome}`, {
      taskKey: command.taskKey,
      customerReached: command.customerReached,
    });
  }

  /**
   * Acts on the stages due now. When several are overdue at once (a late start, a due date moved back, a worker
   * down for days) only the latest reminder goes out, never a burst, and never straight to the agency: the
   * ladder moves so that the stage sent today keeps its spacing to the ones after it.
   */
  reachDueStages(): void {
    const state = this.state;
    if (isClosed(state) || isOnHold(state)) return;
    const due = pendingStages(state).filter((stage) => stageDueAt(state, stage) <= this.now);
    const ladder = due.filter((stage) => stage.anchor === 'dueDate');
    const reminders = ladder.filter((stage) => !stage.agencyHandoff);
    const chosen = ladder.length > 1 && reminders.length > 0 ? reminders.at(-1) : ladder.at(-1);
    const chosenIndex = chosen ? ladder.indexOf(chosen) : -1;
    for (const stage of due) {
      if (stage.anchor === 'issueDate') this.reachStage(stage);
      else if (ladder.indexOf(stage) > chosenIndex)
        continue; // the hand-off waits its turn after the final notice
      else if (stage !== chosen) this.skipStage(stage, `superseded by ${chosen?.key}`);
      else if (stageTargetsBeforeIssue(state, stage))
        this.skipStage(stage, 'its day falls before the invoice was issued');
      else if (stage.offsetDays < 0 && daysOverdue(state, this.now) > 0) {
        // A hold can push a "coming due" courtesy past the due date, where its words would be false.
        this.skipStage(stage, 'the due date has passed');
      } else {
        this.catchUpLadder(stage);
        this.reachStage(stage);
      }
    }
  }

  /** A stage sent later than planned moves the rest of the ladder back by as many days. */
  private catchUpLadder(stage: CollectionStage): void {
    const state = this.state;
    const planned = localDateAt(stageDueAt(state, stage), state.terms.customer.timeZone);
    const late = daysBetween(planned, localDateAt(this.now, state.terms.customer.timeZone));
    if (late <= 0) return;
    state.pausedDays += late;
    this.record(
      'ladder.caughtUp',
      `Stage ${stage.key} sent ${late} days late; later stages keep their spacing`,
      {
        stage: stage.key,
        lateDays: late,
      },
    );
  }

  skipStage(stage: CollectionStage, reason: string): void {
    this.state.stages[stage.key] = { outcome: 'skipped', at: iso(this.now), reason };
    this.record('stage.skipped', `Stage ${stage.key} skipped: ${reason}`, { stage: stage.key });
  }

  private reachStage(stage: CollectionStage): void {
    const state = this.state;
    state.stages[stage.key] = { outcome: 'done', at: iso(this.now) };
    this.record(
      'stage.reached',
      `Stage ${stage.key} reached (${describeDaysOverdue(daysOverdue(state, this.now))})`,
      {
        stage: stage.key,
        balance: state.balance,
      },
    );
    if (stage.email) this.sendEmail(stage.key, stage.email, Boolean(stage.offersPaymentPlan));
    if (stage.task) this.openTask(stage.key, stage.task);
    if (stage.agencyHandoff) {
      state.agency = { handedOffAt: iso(this.now), returnedAt: null };
      this.record('agency.handedOff', 'Account handed to the collection agency', { balance: state.balance });
      this.effects.push({ kind: 'handOffToAgency' });
    }
  }

  private sendEmail(
    key: string,
    template: EmailTemplateId,
    offersPaymentPlan: boolean,
    installment?: InstallmentReminderDetails,
  ): void {
    if (this.state.emailSuppressed) {
      this.record('email.suppressed', `Email ${key} not sent: the customer complained of spam`, { key });
      return;
    }
    this.effects.push({
      kind: 'sendEmail',
      key,
      template,
      offersPaymentPlan,
      ...(installment ? { installment } : {}),
    });
  }

  private openTask(key: string, taskKind: TaskKind, detail?: string): void {
    // One task per key: a second bounce from the same address adds to nothing the manager hasn't got already.
    if (this.state.timeline.some((entry) => entry.type === 'task.opened' && entry.data.key === key)) return;
    this.record('task.opened', `Task for the ${taskRole(taskKind)}: ${taskKind}`, { key, taskKind });
    this.effects.push({ kind: 'openTask', key, taskKind, ...(detail ? { detail } : {}) });
  }

  private customerResponded(): void {
    this.state.lastCustomerResponseAt = iso(this.now);
  }

  private requireInHouse(action: string): void {
    if (this.state.agency && !this.state.agency.returnedAt) {
      throw new CommandRejected(
        'conflict',
        `The account is with the collection agency; record its outcome, not ${action}.`,
      );
    }
  }

  private close(status: ClosedStatus, reason: string, type: string, summary: string): void {
    this.state.closure = { status, at: iso(this.now), reason };
    this.state.promise = null;
    this.state.plan = null;
    this.state.dispute = null;
    this.record(type, summary, { status, reason });
  }

  /** Time on hold does not count against the customer: when the last hold lifts, later stages move back. */
  private accountForHold(): void {
    const state = this.state;
    const onHold = isOnHold(state) && !isClosed(state);
    if (!this.wasOnHold && onHold) state.holdStartedAt = iso(this.now);
    if (this.wasOnHold && !onHold && state.holdStartedAt) {
      const zone = state.terms.customer.timeZone;
      const heldFrom = localDateAt(Date.parse(state.holdStartedAt), zone);
      // Only days on hold after the due date delay the reminders that follow it.
      const countedFrom = heldFrom > state.terms.dueDate ? heldFrom : state.terms.dueDate;
      const held = Math.max(0, daysBetween(countedFrom, localDateAt(this.now, zone)));
      state.pausedDays += held;
      state.holdStartedAt = null;
      if (!isClosed(state)) {
        this.record('hold.ended', `Reminders resume; ${held} days on hold move later stages back`, {
          heldDays: held,
        });
      }
    }
  }
}

function stageTargetsBeforeIssue(state: InvoiceState, stage: CollectionStage): boolean {
  return addDays(state.terms.dueDate, stage.offsetDays) < state.terms.issueDate;
}

function validateInstallments(installments: InstallmentTerms[], state: InvoiceState, today: LocalDate): void {
  const { maxInstallments } = state.policy;
  if (installments.length < 1 || installments.length > maxInstallments) {
    throw new CommandRejected(
      'invalid',
      `A payment plan needs between 1 and ${maxInstallments} installments.`,
    );
  }
  const sum = installments.reduce((total, installment) => total + installment.amount, 0);
  if (sum !== state.balance) {
    throw new CommandRejected(
      'invalid',
      `Installments sum to ${sum} but the balance is ${state.balance}; make them add up to the balance exactly.`,
    );
  }
  installments.forEach((installment, index) => {
    if (installment.amount <= 0)
      throw new CommandRejected('invalid', `Installment ${index + 1} must be a positive amount.`);
    const previous = installments[index - 1];
    if (index === 0 && installment.dueDate < today) {
      throw new CommandRejected(
        'invalid',
        `The first installment is due ${installment.dueDate}, before today (${today}).`,
      );
    }
    if (previous && installment.dueDate <= previous.dueDate) {
      throw new CommandRejected('invalid', `Installment ${index + 1} must fall after installment ${index}.`);
    }
  });
}
