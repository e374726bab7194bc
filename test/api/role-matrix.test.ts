import { createApiKey, revokeApiKey } from '../../api/api-keys';
import { apiRoutes } from '../../api/routes';
import { apiRoles, type ApiRole } from '../../domain/roles';
import { daysFromToday, eventually, newInvoiceBody, startApiStack, type ApiStack } from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack();
});

afterAll(async () => {
  await api?.close();
});

let invoiceCount = 0;

/** A fresh invoice per call, so each role acts on one in the state its route needs. */
async function freshInvoice(dueInDays = 30): Promise<string> {
  const invoiceId = `matrix-${++invoiceCount}`;
  const answer = await api.request('POST', '/invoices', {
    as: 'billing-system',
    body: newInvoiceBody(invoiceId, dueInDays),
  });
  expect(answer.status).toBe(201);
  return invoiceId;
}

async function invoiceAfter(action: string, body: object): Promise<string> {
  const invoiceId = await freshInvoice();
  expect(
    (await api.request('POST', `/invoices/${invoiceId}/${action}`, { as: 'manager', body })).status,
  ).toBe(200);
  return invoiceId;
}

async function openBookkeeperTask(): Promise<string> {
  const invoiceId = await freshInvoice(-10);
  const opened = await eventually(() =>
    api.stack.database.db.task
      .findFirst({ where: { invoiceId, status: 'open' } })
      .then((row) => row ?? undefined),
  );
  return opened.id;
}

type Call = { path: string; body?: unknown };

interface MatrixRow {
  route: string;
  /** The roles that may call it; the others get 403 and a caller without a key 401. */
  allowed: readonly ApiRole[] | 'public' | 'postmark';
  /** A request that succeeds for an allowed role. */
  call: () => Promise<Call>;
}

const staff = ['bookkeeper', 'manager'] as const;
const readers = ['billing-system', 'bookkeeper', 'manager'] as const;
const path = (template: string, id: string): Call => ({ path: template.replace(/:\w+/, id) });

/** The role matrix as the product defines it: who may call what. */
const matrix: MatrixRow[] = [
  {
    route: 'POST /invoices',
    allowed: ['billing-system'],
    call: async () => ({ path: '/invoices', body: newInvoiceBody(`matrix-new-${++invoiceCount}`) }),
  },
  { route: 'GET /invoices', allowed: readers, call: async () => ({ path: '/invoices' }) },
  {
    route: 'GET /invoices/:invoiceId',
    allowed: readers,
    call: async () => path('/invoices/:id', await freshInvoice()),
  },
  {
    route: 'GET /invoices/:invoiceId/timeline',
    allowed: readers,
    call: async () => path('/invoices/:id/timeline', await freshInvoice()),
  },
  {
    route: 'POST /invoices/:invoiceId/payments',
    allowed: ['billing-system', ...staff],
    call: async () => ({
      ...path('/invoices/:id/payments', await freshInvoice()),
      body: { reference: 'B-1', amount: 100, currency: 'EUR' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/disputes',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/disputes', await freshInvoice()),
      body: { reason: 'Wrong goods' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/dispute-resolutions',
    allowed: ['manager'],
    call: async () => ({
      ...path('/invoices/:id/dispute-resolutions', await invoiceAfter('disputes', { reason: 'Wrong goods' })),
      body: { resolution: 'rejected' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/customer-responses',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/customer-responses', await freshInvoice()),
      body: { note: 'Called back' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/payment-promises',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/payment-promises', await freshInvoice()),
      body: { promisedDate: daysFromToday(10) },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/payment-plans',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/payment-plans', await freshInvoice()),
      body: { installments: [{ dueDate: daysFromToday(10), amount: 120_000 }] },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/payment-plan-proposals',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/payment-plan-proposals', await freshInvoice()),
      body: { installmentCount: 2, firstDueDate: daysFromToday(10) },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/pause',
    allowed: staff,
    call: async () => ({ ...path('/invoices/:id/pause', await freshInvoice()), body: { reason: 'Holiday' } }),
  },
  {
    route: 'POST /invoices/:invoiceId/resume',
    allowed: staff,
    call: async () => ({
      ...path('/invoices/:id/resume', await invoiceAfter('pause', { reason: 'Holiday' })),
      body: {},
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/write-off',
    allowed: ['manager'],
    call: async () => ({
      ...path('/invoices/:id/write-off', await freshInvoice()),
      body: { reason: 'Insolvent' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/agency-outcomes',
    allowed: ['agency'],
    call: async () => {
      const invoiceId = await api.invoiceWithAgency(`matrix-agency-${++invoiceCount}`);
      return { ...path('/invoices/:id/agency-outcomes', invoiceId), body: { outcome: 'returned' } };
    },
  },
  {
    route: 'POST /invoices/:invoiceId/amendments',
    allowed: ['billing-system'],
    call: async () => ({
      ...path('/invoices/:id/amendments', await freshInvoice()),
      body: { amount: 100_000, reason: 'Credit note' },
    }),
  },
  {
    route: 'POST /invoices/:invoiceId/cancellation',
    allowed: ['billing-system'],
    call: async () => ({
      ...path('/invoices/:id/cancellation', await freshInvoice()),
      body: { reason: 'Issued in error' },
    }),
  },
  { route: 'GET /tasks', allowed: staff, call: async () => ({ path: '/tasks' }) },
  {
    route: 'POST /tasks/:taskId/assignment',
    allowed: staff,
    call: async () => ({
      ...path('/tasks/:id/assignment', await openBookkeeperTask()),
      body: { assignee: 'maria' },
    }),
  },
  {
    route: 'POST /tasks/:taskId/completion',
    allowed: staff,
    call: async () => ({
      ...path('/tasks/:id/completion', await openBookkeeperTask()),
      body: { outcome: 'Left a voicemail', customerReached: false },
    }),
  },
  {
    route: 'POST /webhooks/postmark',
    allowed: 'postmark',
    call: async () => ({ path: '/webhooks/postmark', body: { RecordType: 'Open' } }),
  },
  { route: 'GET /healthz', allowed: 'public', call: async () => ({ path: '/healthz' }) },
  { route: 'GET /readyz', allowed: 'public', call: async () => ({ path: '/readyz' }) },
  { route: 'GET /metrics', allowed: 'public', call: async () => ({ path: '/metrics' }) },
  { route: 'GET /openapi.json', allowed: 'public', call: async () => ({ path: '/openapi.json' }) },
  { route: 'GET /docs', allowed: 'public', call: async () => ({ path: '/docs' }) },
  { route: 'GET /problems/:kind', allowed: 'public', call: async () => ({ path: '/problems/forbidden' }) },
];

const methodOf = (row: MatrixRow) => row.route.split(' ')[0] ?? 'GET';
/** The route's path with any id in it, and a body only where the method takes one. */
const anyCall = (row: MatrixRow): Call => ({
  path: row.route.split(' ')[1]?.replace(/:\w+/, 'matrix-anything') ?? '/',
  body: methodOf(row) === 'POST' ? {} : undefined,
});

test('the matrix covers every route of the app, with the roles each route enforces', () => {
  const implemented = Object.fromEntries(
    apiRoutes.map((route) => [
      `${route.method.toUpperCase()} ${route.path}`,
      typeof route.access === 'object' ? [...route.access.roles] : route.access,
    ]),
  );
  const specified = Object.fromEntries(
    matrix.map((row) => [row.route, typeof row.allowed === 'string' ? row.allowed : [...row.allowed]]),
  );
  expect(specified).toEqual(implemented);
});

const cases = matrix.flatMap((row) => apiRoles.map((role) => [row.route, role, row] as const));

test.each(cases)('%s as %s', async (_route, role, row) => {
  const allowed = row.allowed === 'public' || (Array.isArray(row.allowed) && row.allowed.includes(role));
  // A forbidden caller is turned away before anything is looked up, so any id and body will do.
  const call = allowed ? await row.call() : anyCall(row);
  const answer = await api.request(methodOf(row), call.path, { as: role, body: call.body });
  if (allowed) {
    const outcome =
      answer.status >= 200 && answer.status < 300 ? 'success' : `${answer.status}: ${answer.body?.detail}`;
    expect(outcome).toBe('success');
  } else if (row.allowed === 'postmark') {
    expect(answer.status).toBe(401);
  } else {
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ type: '/problems/forbidden', role, allowedRoles: row.allowed });
  }
});

test.each(matrix.filter((row) => row.allowed !== 'public'))(
  '$route without credentials is a 401 problem',
  async (row) => {
    const { path: anyPath, body } = anyCall(row);
    const answer = await api.request(methodOf(row), anyPath, { body });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toBe('/problems/unauthenticated');
  },
);

test('public routes answer callers without credentials', async () => {
  for (const row of matrix.filter((entry) => entry.allowed === 'public')) {
    const call = await row.call();
    expect([row.route, (await api.request(methodOf(row), call.path)).status]).toEqual([row.route, 200]);
  }
});

test('a revoked key, an unknown key and a malformed header are all 401', async () => {
  const key = await createApiKey(api.stack.database.db, 'leaving-manager', 'manager');
  const withKey = (authorization: string) => api.request('GET', '/invoices', { headers: { authorization } });
  expect((await withKey(`Bearer ${key.secret}`)).status).toBe(200);
  expect(await revokeApiKey(api.stack.database.db, 'leaving-manager')).toBe(1);

  for (const authorization of [
    `Bearer ${key.secret}`,
    'Bearer rcp_not-a-real-key',
    `Basic ${key.secret}`,
    key.secret,
  ]) {
    const answer = await withKey(authorization);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="recoup"');
  }
});

test('only the hash of a key is stored', async () => {
  const key = await createApiKey(api.stack.database.db, 'auditor', 'bookkeeper');
  const stored = await api.stack.database.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
  expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify(stored)).not.toContain(key.secret);
});
