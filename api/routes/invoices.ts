import { z } from 'zod';
import { listInvoices } from '../invoice-list';
import { defineRoute } from '../route';
import {
  invoice,
  invoiceListQuery,
  invoicePage,
  invoicePath,
  newInvoice,
  timeline,
} from '../schemas/invoice';

const readers = { roles: ['billing-system', 'bookkeeper', 'manager'] } as const;
const invoiceLocation = (invoiceId: string) => `/invoices/${encodeURIComponent(invoiceId)}`;

export const invoiceRoutes = [
  defineRoute({
    method: 'post',
    path: '/invoices',
    operationId: 'createInvoice',
    tag: 'invoices',
    summary: 'Start collecting an invoice',
    description:
      "Starts the invoice's collection workflow (id `invoice-<invoiceId>`) on the named policy, else the customer's, else the default. Idempotent by invoiceId: " +
      'sending the same body again answers 200 with the invoice as it stands; a different body for the same invoiceId is a 409 ' +
      'that names the differing fields.',
    access: { roles: ['billing-system'] },
    body: newInvoice,
    responses: [
      {
        status: 201,
        description: 'Collection started.',
        schema: invoice,
        headers: { Location: 'Where to read the invoice.' },
      },
      {
        status: 200,
        description: 'This invoice was already started with the same data.',
        schema: invoice,
        headers: { Location: 'Where to read the invoice.' },
      },
    ],
    problems: ['invoice-conflict'],
    async handle({ body }, { invoices }) {
      const { policyId, ...terms } = body;
      const { created, invoice: started } = await invoices.start(terms, policyId);
      return {
        status: created ? 201 : 200,
        body: started,
        headers: { Location: invoiceLocation(body.invoiceId) },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/invoices',
    operationId: 'listInvoices',
    tag: 'invoices',
    summary: 'List invoices',
    description:
      'From the projection, most overdue first; filter by status, customer, stage and days overdue. Pages with `cursor`.',
    access: readers,
    query: invoiceListQuery,
    responses: [{ status: 200, description: 'One page of invoices.', schema: invoicePage }],
    problems: [],
    async handle({ query }, { db }) {
      return { status: 200, body: await listInvoices(db, query) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/invoices/:invoiceId',
    operationId: 'getInvoice',
    tag: 'invoices',
    summary: 'Read an invoice',
    description:
      "The live state from the invoice's workflow while it runs; from the projection once the invoice is closed.",
    access: readers,
    params: invoicePath,
    responses: [{ status: 200, description: 'The invoice.', schema: invoice }],
    problems: ['not-found'],
    async handle({ params }, { invoices }) {
      return { status: 200, body: await invoices.view(params.invoiceId) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/invoices/:invoiceId/timeline',
    operationId: 'getInvoiceTimeline',
    tag: 'invoices',
    summary: "Read an invoice's timeline",
    description: 'Every transition of the invoice, oldest first (append-only).',
    access: readers,
    params: invoicePath,
    responses: [{ status: 200, description: 'The timeline.', schema: timeline }],
    problems: ['not-found'],
    async handle({ params }, { invoices }) {
      return {
        status: 200,
        body: { items: await invoices.timeline(params.invoiceId) } satisfies z.output<typeof timeline>,
      };
    },
  }),
];
