import { createPolicyCatalogue } from '../../runtime/policy-catalogue';
import http from 'node:http';
import type { WorkflowHandle } from '@temporalio/client';
import pino from 'pino';
import { createApiKey } from '../../api/api-keys';
import type { ApiLimits } from '../../api/app';
import { startApiServer, type RunningApi } from '../../api/server';
import { addDays, localDateAt, type LocalDate } from '../../domain/calendar';
import { defaultPolicy, type CollectionPolicy } from '../../domain/policy';
import { apiRoles, type ApiRole } from '../../domain/roles';
import { loadConfig } from '../../runtime/config';
import { workflowIdFor } from '../../workflows/messages';
import { startCollectionStack, type CollectionStack } from '../support/collection-stack';

const straightToAgency: CollectionPolicy = {
  ...defaultPolicy,
  id: 'test-straight-to-agency',
  stages: defaultPolicy.stages.filter((stage) => stage.anchor === 'issueDate' || stage.agencyHandoff),
};

export const webhookCredentials = { user: 'postmark', password: 'webhook-password-for-tests' };

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer was JSON (or problem+json); otherwise undefined. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read answers of many shapes
  text: string;
}

export interface RequestOptions {
  /** Sends that role's API key; omit for no credentials. */
  as?: ApiRole;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiStack {
  stack: CollectionStack;
  api: RunningApi;
  keys: Record<ApiRole, string>;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** The invoice's workflow, to check what Temporal holds behind the API. */
  workflow(invoiceId: string): WorkflowHandle;
  /** An invoice already with the collection agency, for the agency's routes. */
  invoiceWithAgency(invoiceId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * One per test file: the collection stack with its worker, a key per role, and the API on an ephemeral port.
 * Temporal is the CLI's dev server: callers read (a query) and then act (an update), and the time-skipping
 * server loses such updates; nothing here needs time skipped, and the workflows' clock is the wall clock.
 */
/** The default policy, plus a gentler one that customer "cust-gentle" follows. */
export const gentlePolicy = {
  ...defaultPolicy,
  id: 'gentle',
  name: 'Gentle ladder',
  stages: defaultPolicy.stages.slice(0, 4),
};
const testPolicies = createPolicyCatalogue({
  policies: [gentlePolicy],
  customerPolicies: { 'cust-gentle': 'gentle' },
});

export async function startApiStack(limits: Partial<ApiLimits> = {}): Promise<ApiStack> {
  const stack = await startCollectionStack('dev-server');
  await stack.startWorker();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    POSTMARK_WEBHOOK_USER: webhookCredentials.user,
    POSTMARK_WEBHOOK_PASSWORD: webhookCredentials.password,
  });
  const db = stack.database.db;
  const keys = Object.fromEntries(
    await Promise.all(
      apiRoles.map(async (role) => [role, (await createApiKey(db, `${role}-key`, role)).secret]),
    ),
  ) as Record<ApiRole, string>;
  const api = await startApiServer(
    {
      temporal: stack.env.client,
      db,
      config,
      // API_TEST_LOG_LEVEL=error shows the API's own log lines while debugging a test.
      log: pino({ level: process.env.API_TEST_LOG_LEVEL ?? 'silent' }),
      limits: { requestsPerMinute: 1_000_000, ...limits },
      policies: testPolicies,
    },
    '127.0.0.1',
    0,
  );

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${keys[options.as]}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const { status, responseHeaders, text } = await send(new URL(path, api.url), method, headers, body);
    const isJson = /json/.test(responseHeaders.get('content-type') ?? '');
    return { status, headers: responseHeaders, body: isJson && text ? JSON.parse(text) : undefined, text };
  }

  return {
    stack,
    api,
    keys,
    request,
    workflow: (invoiceId) => stack.env.client.workflow.getHandle(workflowIdFor(invoiceId)),
    async invoiceWithAgency(invoiceId) {
      // Started through the Temporal client on a policy whose ladder is just the hand-off: the default ladder
      // reaches the agency weeks after the final notice, and these tests run on the wall clock.
      await stack.startInvoice(
        { ...newInvoiceBody(invoiceId, -50), sendInvoiceEmail: true },
        straightToAgency,
      );
      await eventually(
        async () =>
          (await request('GET', `/invoices/${invoiceId}`, { as: 'manager' })).body.status === 'with_agency',
      );
      return invoiceId;
    },
    async close() {
      agent.destroy();
      await api.close();
      await stack.close();
    },
  };
}

// node:http with a keep-alive agent: a third of the cost of fetch per request, which the property test sends by the thousand.
const agent = new http.Agent({ keepAlive: true });

function send(url: URL, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; responseHeaders: Headers; text: string }>((resolve, reject) => {
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({
          status: response.statusCode ?? 0,
          responseHeaders,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Today in the customer's time zone, moved by `days`. */
export function daysFromToday(days: number, timeZone = 'Europe/Berlin'): LocalDate {
  return addDays(localDateAt(Date.now(), timeZone), days);
}

const harbourCafe = {
  name: 'Harbour Café GmbH',
  email: 'ap@harbour-cafe.example',
  timeZone: 'Europe/Berlin',
};

/**
 * A valid POST /invoices body, due `dueInDays` from today in the customer's time zone (negative: already overdue),
 * issued 30 days before it.
 */
export function newInvoiceBody(invoiceId: string, dueInDays = 30, overrides: Record<string, unknown> = {}) {
  const customer = (overrides.customer as
    { id: string; name: string; email: string; timeZone: string } | undefined) ?? {
    id: `cust-${invoiceId}`,
    ...harbourCafe,
  };
  return {
    invoiceId,
    invoiceNumber: `INV-${invoiceId}`,
    customer,
    currency: 'EUR',
    amount: 120_000,
    issueDate: daysFromToday(dueInDays - 30, customer.timeZone),
    dueDate: daysFromToday(dueInDays, customer.timeZone),
    ...overrides,
  };
}

/** Polls until `check` returns a value that isn't undefined/false, for effects that activities write a moment later. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`eventually: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
