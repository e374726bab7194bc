import { PassThrough } from 'node:stream';
import SwaggerParser from '@apidevtools/swagger-parser';
import pino from 'pino';
import { createApp, type AppDependencies } from '../../api/app';
import { openApiPath } from '../../api/openapi';
import { problemKinds } from '../../api/problem-details';
import { startApiServer, type RunningApi } from '../../api/server';
import { createDatabase } from '../../prisma/database';
import { loadConfig } from '../../runtime/config';
import { newInvoiceBody, startApiStack, type ApiStack } from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack();
});

afterAll(async () => {
  await api?.close();
});

const dependencies = (overrides: Partial<AppDependencies> = {}): AppDependencies => ({
  temporal: api.stack.env.client,
  db: api.stack.database.db,
  config: loadConfig({ LOG_LEVEL: 'silent' }),
  log: pino({ level: 'silent' }),
  ...overrides,
});

async function withServer(deps: AppDependencies, run: (server: RunningApi) => Promise<void>): Promise<void> {
  const server = await startApiServer(deps, '127.0.0.1', 0);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

describe('health and readiness', () => {
  test('/healthz answers while the process runs; /readyz checks Temporal and PostgreSQL', async () => {
    expect((await api.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await api.request('GET', '/readyz')).body).toEqual({
      status: 'ready',
      checks: { temporal: 'ok', postgres: 'ok' },
    });
  });

  test('/readyz is a 503 problem naming PostgreSQL when it does not answer', async () => {
    const unreachable = createDatabase('postgresql://recoup:recoup@127.0.0.1:1/recoup');
    try {
      await withServer(dependencies({ db: unreachable }), async (server) => {
        const response = await fetch(`${server.url}/readyz`);
        const problem = (await response.json()) as { detail: string; checks: Record<string, string> };
        expect(response.status).toBe(503);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(problem.checks.temporal).toBe('ok');
        expect(problem.checks.postgres).toMatch(/^failed/);
        expect(problem.detail).toMatch(/^Not ready: postgres failed/);
      });
    } finally {
      await unreachable.$disconnect();
    }
  });
});

describe('metrics', () => {
  test('counts requests by route pattern, workflow starts and updates', async () => {
    const body = newInvoiceBody('metrics-1');
    await api.request('POST', '/invoices', { as: 'billing-system', body });
    await api.request('POST', '/invoices', { as: 'billing-system', body });
    await api.request('POST', '/invoices/metrics-1/pause', { as: 'manager', body: { reason: 'Holiday' } });
    await api.request('GET', '/invoices/metrics-1', { as: 'manager' });

    const metrics = await api.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(
      /recoup_http_requests_total\{method="GET",route="\/invoices\/:invoiceId",status="200"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /recoup_http_request_duration_seconds_bucket\{le="[0-9.]+",method="POST",route="\/invoices",status="201"\}/,
    );
    expect(metrics.text).toMatch(/recoup_workflow_starts_total\{outcome="started"\} [1-9]/);
    expect(metrics.text).toMatch(/recoup_workflow_starts_total\{outcome="existing"\} [1-9]/);
    expect(metrics.text).toMatch(
      /recoup_workflow_messages_total\{kind="update",name="pause",outcome="accepted"\} 1/,
    );
    expect(metrics.text).not.toContain('metrics-1');
  });
});

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1 and describes every route the app serves', async () => {
    const document = (await api.request('GET', '/openapi.json')).body;
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.openapi).toBe('3.1.0');

    const app = createApp(dependencies());
    const served = app.router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) =>
        Object.keys((layer.route as unknown as { methods: Record<string, boolean> }).methods).map(
          (method) => `${method} ${openApiPath(String(layer.route?.path))}`,
        ),
      );
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`),
    );
    expect(served).toContain('post /invoices');
    expect(documented.sort()).toEqual(served.sort());
  });

  test('lists the roles of each operation and every error it can give', async () => {
    const document = (await api.request('GET', '/openapi.json')).body;
    const payments = document.paths['/invoices/{invoiceId}/payments'].post;
    expect(payments['x-roles']).toEqual(['billing-system', 'bookkeeper', 'manager']);
    expect(Object.keys(payments.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
    ]);
    expect(payments.responses['409'].content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(payments.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PaymentRecord',
    });
  });
});

describe('the documentation page', () => {
  test('serves Swagger UI from this server, allowed by a nonce in its own CSP', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const nonce = /<script nonce="([^"]+)">/.exec(page.text)?.[1];
    expect(nonce).toBeDefined();
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(page.text).toContain("url: 'openapi.json'");

    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const response = await api.request('GET', `/docs/assets/${asset}`);
      expect([asset, response.status, response.text.length > 10_000]).toEqual([asset, 200, true]);
    }
    const missing = await api.request('GET', '/docs/assets/nothing.js');
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('/problems/not-found');
  });

  test('each problem type is described at its type URI', async () => {
    for (const kind of problemKinds) {
      const answer = await api.request('GET', `/problems/${kind}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        type: `/problems/${kind}`,
        title: expect.any(String),
        advice: expect.any(String),
      });
    }
    expect((await api.request('GET', '/problems/sadness')).status).toBe(400);
  });
});

describe('every answer', () => {
  test('an unknown route is a 404 problem pointing at the documentation', async () => {
    const answer = await api.request('DELETE', '/invoices');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      type: '/problems/not-found',
      detail: 'There is no DELETE /invoices; the API documentation at /docs lists every route.',
    });
  });

  test("carries a request id (the caller's when sane) that problems repeat, and security headers", async () => {
    const chosen = await api.request('GET', '/invoices/nobody', {
      as: 'manager',
      headers: { 'x-request-id': 'billing-run-2026-12-03-0001' },
    });
    expect(chosen.headers.get('x-request-id')).toBe('billing-run-2026-12-03-0001');
    expect(chosen.body.requestId).toBe('billing-run-2026-12-03-0001');

    const generated = await api.request('GET', '/healthz', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-content-type-options')).toBe('nosniff');
    expect(generated.headers.get('x-powered-by')).toBeNull();
    expect(generated.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  test('an unexpected failure is a 500 problem that keeps its cause in the log, not in the answer', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const failing = {
      apiKey: {
        findUnique: async () => {
          throw new Error('disk on fire');
        },
      },
    } as unknown as AppDependencies['db'];
    await withServer(dependencies({ db: failing, log: pino({ level: 'error' }, stream) }), async (server) => {
      const response = await fetch(`${server.url}/tasks`, {
        headers: { authorization: 'Bearer rcp_anything' },
      });
      const text = await response.text();
      expect(response.status).toBe(500);
      expect(JSON.parse(text)).toMatchObject({
        type: '/problems/internal-error',
        requestId: expect.any(String),
      });
      expect(text).not.toContain('disk on fire');
    });
    expect(lines.join('')).toContain('disk on fire');
  });

  test('past the rate limit, a 429 problem with Retry-After', async () => {
    await withServer(dependencies({ limits: { requestsPerMinute: 3 } }), async (server) => {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${server.url}/healthz`);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last?.headers.get('retry-after')).toBe('60');
      expect(((await last?.json()) as { type: string }).type).toBe('/problems/rate-limited');
    });
  });

  test('logs one line per request with its id, never the key or the customer record', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
    await withServer(dependencies({ log: pino({ level: 'info' }, stream) }), async (server) => {
      await fetch(`${server.url}/invoices`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${api.keys['billing-system']}`,
          'content-type': 'application/json',
          'x-request-id': 'log-check-0001',
        },
        body: JSON.stringify(newInvoiceBody('logged-1')),
      });
    });
    const entries = lines.map(
      (line) =>
        JSON.parse(line) as {
          req?: { id: string; method: string; url: string };
          res?: { statusCode: number };
        },
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        req: { id: 'log-check-0001', method: 'POST', url: '/invoices' },
        res: { statusCode: 201 },
      }),
    );
    const everything = lines.join('\n');
    expect(everything).not.toContain(api.keys['billing-system']);
    expect(everything).not.toContain('ap@harbour-cafe.example');
  });
});
