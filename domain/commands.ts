import type { LocalDate } from './calendar';
import type { CurrencyCode, MinorUnits } from './money';

/** Who recorded a command, for the timeline (an API key's name, "billing-system", "postmark", …). */
export interface CommandMeta {
  actor?: string;
}

export interface RecordPayment extends CommandMeta {
  type: 'recordPayment';
  /** Idempotency key: a payment is recorded once per reference. */
  reference: string;
  amount: MinorUnits;
  currency: CurrencyCode;
}

export interface OpenDispute extends CommandMeta {
  type: 'openDispute';
  reason: string;
}

export const disputeResolutions = ['upheld', 'adjusted', 'rejected'] as const;
export type DisputeResolution = (typeof disputeResolutions)[number];

export interface ResolveDispute extends CommandMeta {
  type: 'resolveDispute';
  resolution: DisputeResolution;
  /** Required when adjusted: what the customer owes now. */
  adjustedBalance?: MinorUnits;
  note?: string;
}

export interface RecordCustomerResponse extends CommandMeta {
  type: 'recordCustomerResponse';
  note: string;
}

export interface PromiseToPay extends CommandMeta {
  type: 'promiseToPay';
  promisedDate: LocalDate;
  /** Defaults to the whole balance. */
  amount?: MinorUnits;
  note?: string;
}

export interface InstallmentTerms {
  dueDate: LocalDate;
  amount: MinorUnits;
}

export interface AcceptPaymentPlan extends CommandMeta {
  type: 'acceptPaymentPlan';
  installments: InstallmentTerms[];
}

export interface Amend extends CommandMeta {
  type: 'amend';
  amount?: MinorUnits;
  dueDate?: LocalDate;
  customerEmail?: string;
  reason: string;
}

export interface Cancel extends CommandMeta {
  type: 'cancel';
  reason: string;
}

export interface WriteOff extends CommandMeta {
  type: 'writeOff';
  reason: string;
}

export interface Pause extends CommandMeta {
  type: 'pause';
  reason: string;
}

export interface Resume extends CommandMeta {
  type: 'resume';
  note?: string;
}

export interface RecordAgencyOutcome extends CommandMeta {
  type: 'recordAgencyOutcome';
  outcome: 'recovered' | 'returned';
  /** With "recovered": what the agency collected, in minor units. */
  recoveredAmount?: MinorUnits;
  reference?: string;
  note?: string;
}

export const emailProblemKinds = ['hardBounce', 'inactiveRecipient', 'rejected', 'spamComplaint'] as const;
export type EmailProblemKind = (typeof emailProblemKinds)[number];

export interface ReportEmailProblem extends CommandMeta {
  type: 'reportEmailProblem';
  kind: EmailProblemKind;
  emailAddress: string;
  description: string;
}

export interface CompleteTask extends CommandMeta {
  type: 'completeTask';
  taskKey: string;
  outcome: string;
  /** The call reached the customer: resets the "no response" clock. */
  customerReached: boolean;
}

export type InvoiceCommand =
  | RecordPayment
  | OpenDispute
  | ResolveDispute
  | RecordCustomerResponse
  | PromiseToPay
  | AcceptPaymentPlan
  | Amend
  | Cancel
  | WriteOff
  | Pause
  | Resume
  | RecordAgencyOutcome
  | ReportEmailProblem
  | CompleteTask;

export type CommandType = InvoiceCommand['type'];
export type CommandOf<T extends CommandType> = Extract<InvoiceCommand, { type: T }>;
/** A command's payload as callers send it: the type is implied by the signal or update they use. */
export type CommandInput<T extends CommandType> = Omit<CommandOf<T>, 'type'>;

/**
 * Why a command was refused. `conflict`: the invoice's state forbids it now (HTTP 409);
 * `invalid`: the command itself can never be right for this invoice (HTTP 422).
 */
export class CommandRejected extends Error {
  override name = 'CommandRejected';
  constructor(
    readonly kind: 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export const commandTypes = [
  'recordPayment',
  'openDispute',
  'resolveDispute',
  'recordCustomerResponse',
  'promiseToPay',
  'acceptPaymentPlan',
  'amend',
  'cancel',
  'writeOff',
  'pause',
  'resume',
  'recordAgencyOutcome',
  'reportEmailProblem',
  'completeTask',
] as const satisfies readonly CommandType[];
