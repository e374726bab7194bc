import { z } from 'zod';
import { disputeResolutions, type CommandInput, type CommandType } from '../../domain/commands';
import {
  emailAddress,
  expects,
  localDate,
  minorUnits,
  positiveMinorUnits,
  text,
  currencyCode,
} from './fields';

/** A command's body as a caller sends it: everything but `actor`, which the API fills in from the key. */
type CommandBody<T extends CommandType> = Omit<CommandInput<T>, 'actor'>;

const reason = (example: string) => text(`a sentence for the timeline saying why, e.g. "${example}"`);
const note = text('a note for the timeline').optional();

export const recordPaymentBody = z
  .strictObject({
    reference: text(
      'the payment\'s reference from the bank or billing system, e.g. "BANK-2026-03-02-0017"; a payment is recorded once per reference',
      100,
    ),
    amount: positiveMinorUnits,
    currency: currencyCode,
  })
  .meta({ id: 'PaymentRecord' }) satisfies z.ZodType<CommandBody<'recordPayment'>>;

export const openDisputeBody = z
  .strictObject({ reason: reason('Customer says the delivery of 2 March was incomplete') })
  .meta({ id: 'DisputeOpening' }) satisfies z.ZodType<CommandBody<'openDispute'>>;

export const resolveDisputeBody = z
  .strictObject({
    resolution: z.enum(disputeResolutions, expects(`must be one of ${disputeResolutions.join(', ')}`)),
    adjustedBalance: minorUnits
      .optional()
      .meta({ description: 'With "adjusted" only: what the customer owes now.' }),
    note,
  })
  .refine((body) => (body.resolution === 'adjusted') === (body.adjustedBalance !== undefined), {
    path: ['adjustedBalance'],
    error: 'is required when resolution is "adjusted", and only then',
  })
  .meta({ id: 'DisputeResolution' }) satisfies z.ZodType<CommandBody<'resolveDispute'>>;

export const customerResponseBody = z
  .strictObject({ note: text('what the customer said, e.g. "Will check with accounts payable on Monday"') })
  .meta({ id: 'CustomerResponse' }) satisfies z.ZodType<CommandBody<'recordCustomerResponse'>>;

export const promiseToPayBody = z
  .strictObject({
    promisedDate: localDate,
    amount: positiveMinorUnits.optional().meta({ description: 'Defaults to the whole balance.' }),
    note,
  })
  .meta({ id: 'PromiseToPay' }) satisfies z.ZodType<CommandBody<'promiseToPay'>>;

const installment = z
  .strictObject({ dueDate: localDate, amount: positiveMinorUnits })
  .meta({ id: 'InstallmentTerms' });

export const acceptPaymentPlanBody = z
  .strictObject({
    installments: z
      .array(installment, expects('must be a list of installments, each {dueDate, amount}'))
      .min(1, expects('must hold at least one installment'))
      .max(60, expects('must hold at most 60 installments')),
  })
  .meta({
    id: 'PaymentPlanAcceptance',
    description: 'Installments must add up to the balance exactly.',
  }) satisfies z.ZodType<CommandBody<'acceptPaymentPlan'>>;

export const amendBody = z
  .strictObject({
    amount: positiveMinorUnits.optional(),
    dueDate: localDate.optional(),
    customerEmail: emailAddress.optional(),
    reason: reason('Credit note CN-17 lowered the amount'),
  })
  .refine(
    (body) => body.amount !== undefined || body.dueDate !== undefined || body.customerEmail !== undefined,
    {
      path: ['amount'],
      error: 'an amendment needs at least one of amount, dueDate or customerEmail',
    },
  )
  .meta({ id: 'Amendment' }) satisfies z.ZodType<CommandBody<'amend'>>;

export const cancelBody = z
  .strictObject({ reason: reason('Invoice issued in error') })
  .meta({ id: 'Cancellation' }) satisfies z.ZodType<CommandBody<'cancel'>>;

export const writeOffBody = z
  .strictObject({ reason: reason('Customer insolvent; claim filed with the administrator') })
  .meta({ id: 'WriteOff' }) satisfies z.ZodType<CommandBody<'writeOff'>>;

export const pauseBody = z
  .strictObject({ reason: reason('Customer is on holiday until the 20th') })
  .meta({ id: 'Pause' }) satisfies z.ZodType<CommandBody<'pause'>>;

export const resumeBody = z.strictObject({ note }).meta({ id: 'Resumption' }) satisfies z.ZodType<
  CommandBody<'resume'>
>;

export const agencyOutcomeBody = z
  .strictObject({
    outcome: z.enum(['recovered', 'returned'], expects('must be "recovered" or "returned"')),
    recoveredAmount: positiveMinorUnits
      .optional()
      .meta({ description: 'With "recovered" only: what the agency collected.' }),
    reference: text("the agency's remittance reference", 100).optional(),
    note,
  })
  .refine((body) => (body.outcome === 'recovered') === (body.recoveredAmount !== undefined), {
    path: ['recoveredAmount'],
    error: 'is required when outcome is "recovered", and only then',
  })
  .meta({ id: 'AgencyOutcome' }) satisfies z.ZodType<CommandBody<'recordAgencyOutcome'>>;

export const paymentPlanProposalBody = z
  .strictObject({
    installmentCount: z
      .number(expects('must be a whole number of installments, e.g. 3'))
      .int(expects('must be a whole number of installments, e.g. 3'))
      .min(1, expects('must be at least 1'))
      .max(60, expects('must be at most 60')),
    firstDueDate: localDate,
    intervalDays: z
      .number(expects('must be a whole number of days between installments, e.g. 30'))
      .int(expects('must be a whole number of days between installments, e.g. 30'))
      .min(1, expects('must be at least 1 day'))
      .max(366, expects('must be at most 366 days'))
      .default(30),
  })
  .meta({ id: 'PaymentPlanProposalRequest' });

export const paymentPlanProposal = z
  .object({
    currency: z.string(),
    balance: minorUnits,
    installments: z.array(installment),
  })
  .meta({
    id: 'PaymentPlanProposal',
    description:
      'Installments that add up to the balance exactly; send them to /payment-plans to accept the plan.',
  });
