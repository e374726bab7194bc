import { z } from 'zod';
import type { InvoiceTerms } from '../../domain/invoice';
import { invoiceStatuses } from '../../domain/invoice';
import type { InvoiceView } from '../../domain/invoice-view';
import type { TimelineEntry } from '../../domain/lifecycle';
import {
  currencyCode,
  emailAddress,
  expects,
  instant,
  invoiceId,
  localDate,
  minorUnits,
  positiveMinorUnits,
  queryInteger,
  text,
  timeZone,
} from './fields';

export const invoiceStatus = z.enum(invoiceStatuses).meta({ id: 'InvoiceStatus' });

export const customer = z
  .strictObject({
    id: text('the billing system\'s customer id, e.g. "cust-harbour-cafe"', 100),
    name: text('the customer\'s name as it appears on the invoice, e.g. "Harbour Café GmbH"', 200),
    email: emailAddress,
    timeZone,
  })
  .meta({ id: 'Customer' });

export const newInvoice = z
  .strictObject({
    invoiceId,
    invoiceNumber: text('the number printed on the invoice, e.g. "INV-2026-0042"', 64),
    customer,
    currency: currencyCode,
    amount: positiveMinorUnits,
    issueDate: localDate,
    dueDate: localDate,
    sendInvoiceEmail: z
      .boolean(expects('must be true or false'))
      .default(true)
      .meta({ description: 'False when the billing system emails the invoice itself.' }),
    policyId: z.string(expects('must be the id of a collection policy, e.g. "default"')).optional().meta({
      description: "The collection policy to follow; by default the customer's, else the default policy.",
    }),
  })
  .refine((terms) => terms.dueDate >= terms.issueDate, {
    path: ['dueDate'],
    error: 'must be on or after issueDate',
  })
  .meta({
    id: 'NewInvoice',
    description: 'What the billing system knows about an invoice when collection starts.',
  }) satisfies z.ZodType<InvoiceTerms & { policyId?: string }>;

export const invoicePath = z.strictObject({ invoiceId });

const wakeupKinds = ['stage', 'promiseLapse', 'installmentReminder', 'installmentDeadline'] as const;

export const invoice = z
  .object({
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    customer,
    status: invoiceStatus,
    currency: z.string(),
    originalAmount: minorUnits,
    amountPaid: minorUnits,
    balance: minorUnits,
    overpaid: minorUnits,
    issueDate: localDate,
    dueDate: localDate,
    daysOverdue: z
      .number()
      .int()
      .meta({ description: "Whole days past the due date in the customer's time zone." }),
    policyId: z.string(),
    currentStage: z
      .string()
      .nullable()
      .meta({ description: 'The latest ladder stage reached, e.g. "firmReminder".' }),
    nextAction: z
      .object({
        kind: z.enum(wakeupKinds),
        stage: z.string().optional(),
        installment: z.number().int().optional(),
        at: instant,
      })
      .nullable()
      .meta({
        description:
          'What the workflow will do next on its own, and when; null while only people can move it.',
      }),
    dispute: z.object({ reason: z.string(), openedAt: instant }).nullable(),
    promise: z
      .object({ promisedDate: localDate, amount: minorUnits, madeAt: instant, paidBefore: minorUnits })
      .nullable(),
    paymentPlan: z
      .object({
        acceptedAt: instant,
        installments: z.array(
          z.object({
            sequence: z.number().int(),
            dueDate: localDate,
            amount: minorUnits,
            paid: minorUnits,
            reminded: z.boolean(),
          }),
        ),
      })
      .nullable(),
    pausedReason: z.string().nullable(),
    lastCustomerResponseAt: instant.nullable(),
    agency: z.object({ handedOffAt: instant, returnedAt: instant.nullable() }).nullable(),
    closedAt: instant.nullable(),
    closedReason: z.string().nullable(),
    stateSequence: z
      .number()
      .int()
      .meta({ description: 'Bumped by every change; a higher number is a newer state.' }),
  })
  .meta({
    id: 'Invoice',
    description: 'An invoice as its workflow holds it (from the projection once closed).',
  }) satisfies z.ZodType<InvoiceView>;

export const invoiceSummary = z
  .object({
    invoiceId: z.string(),
    invoiceNumber: z.string(),
    customer: z.object({ id: z.string(), name: z.string() }),
    status: invoiceStatus,
    currency: z.string(),
    originalAmount: minorUnits,
    balance: minorUnits,
    dueDate: localDate,
    daysOverdue: z.number().int(),
    currentStage: z.string().nullable(),
    nextStage: z.string().nullable(),
    nextActionAt: instant.nullable(),
    closedAt: instant.nullable(),
  })
  .meta({ id: 'InvoiceSummary', description: 'One row of the invoice list, from the projection.' });

export const invoicePage = z
  .object({
    items: z.array(invoiceSummary),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'InvoicePage' });

const statusList = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',') : value),
  z.array(z.enum(invoiceStatuses, expects(`must be one of ${invoiceStatuses.join(', ')}`))),
);

const wholeDays = () => queryInteger('must be a whole number of days, e.g. 30');

export const invoiceListQuery = z
  .strictObject({
    status: statusList.optional().meta({
      description: 'Only these statuses; repeat the parameter or separate with commas (status=open,paused).',
    }),
    customerId: z.string().min(1).optional().meta({ description: "Only this customer's invoices." }),
    stage: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Only invoices whose latest stage reached is this one, e.g. finalNotice.' }),
    minDaysOverdue: wholeDays().optional().meta({ description: 'At least this many days past due.' }),
    maxDaysOverdue: wholeDays().optional().meta({ description: 'At most this many days past due.' }),
    limit: queryInteger('must be a whole number from 1 to 200', { min: 1, max: 200 }).default(50),
    cursor: z.string().min(1).optional().meta({ description: 'The nextCursor of the previous page.' }),
  })
  .refine(
    (query) =>
      query.minDaysOverdue === undefined ||
      query.maxDaysOverdue === undefined ||
      query.minDaysOverdue <= query.maxDaysOverdue,
    { path: ['maxDaysOverdue'], error: 'must not be less than minDaysOverdue' },
  );

export const timelineEntry = z
  .object({
    sequence: z.number().int(),
    at: instant,
    type: z.string().meta({ example: 'payment.recorded' }),
    summary: z.string(),
    actor: z.string().optional(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' }) satisfies z.ZodType<TimelineEntry>;

export const timeline = z.object({ items: z.array(timelineEntry) }).meta({ id: 'Timeline' });
