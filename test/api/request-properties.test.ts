import fc from 'fast-check';
import { apiRoutes } from '../../api/routes';
import {
  daysFromToday,
  eventually,
  newInvoiceBody,
  startApiStack,
  webhookCredentials,
  type ApiStack,
  type RequestOptions,
} from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack();
});

afterAll(async () => {
  await api?.close();
});

const runsPerRoute = 1_000;
/** Bodies sent at once: the server answers them concurrently, as it would in production. */
const batchSize = 10;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface WriteRoute {
  /** A body the route accepts. */
  valid: { [key: string]: Json };
  /** Fields whose absence makes the body invalid. */
  required: string[];
  /** Webhooks accept what they don't know, so a mutated event may still be taken in (and ignored). */
  mayAccept?: boolean;
}

const targetInvoice = 'prop-target';
const neverStarted = 'prop-never-started';

/** A valid body for every route that takes one; each mutation below makes it invalid by construction. */
const writeRoutes: Record<string, WriteRoute> = {
  createInvoice: {
    valid: newInvoiceBody(neverStarted),
    required: ['invoiceId', 'invoiceNumber', 'customer', 'currency', 'amount', 'issueDate', 'dueDate'],
  },
  recordPayment: {
    valid: { reference: 'PROP-1', amount: 100, currency: 'EUR' },
    required: ['reference', 'amount', 'currency'],
  },
  openDispute: { valid: { reason: 'Wrong goods' }, required: ['reason'] },
  resolveDispute: {
    valid: { resolution: 'adjusted', adjustedBalance: 10, note: 'n' },
    required: ['resolution', 'adjustedBalance'],
  },
  recordCustomerResponse: { valid: { note: 'Called back' }, required: ['note'] },
  promiseToPay: {
    valid: { promisedDate: daysFromToday(10), amount: 100, note: 'n' },
    required: ['promisedDate'],
  },
  acceptPaymentPlan: {
    valid: { installments: [{ dueDate: daysFromToday(10), amount: 120_000 }] },
    required: ['installments'],
  },
  proposePaymentPlan: {
    valid: { installmentCount: 2, firstDueDate: daysFromToday(10), intervalDays: 30 },
    required: ['installmentCount', 'firstDueDate'],
  },
  pause: { valid: { reason: 'Holiday' }, required: ['reason'] },
  resume: { valid: { note: 'Back' }, required: [] },
  writeOff: { valid: { reason: 'Insolvent' }, required: ['reason'] },
  recordAgencyOutcome: {
    valid: { outcome: 'recovered', recoveredAmount: 100, reference: 'AG', note: 'n' },
    required: ['outcome', 'recoveredAmount'],
  },
  amend: {
    valid: {
      amount: 100_000,
      dueDate: daysFromToday(40),
      customerEmail: 'new@harbour-cafe.example',
      reason: 'CN-1',
    },
    required: ['reason'],
  },
  cancel: { valid: { reason: 'Void' }, required: ['reason'] },
  assignTask: { valid: { assignee: 'maria' }, required: ['assignee'] },
  completeTask: {
    valid: { outcome: 'Voicemail', customerReached: false },
    required: ['outcome', 'customerReached'],
  },
  receivePostmarkWebhook: {
    valid: {
      RecordType: 'Bounce',
      MessageID: 'prop-message',
      Type: 'HardBounce',
      Email: 'ap@harbour-cafe.example',
    },
    required: ['RecordType', 'MessageID', 'Type', 'Email'],
    mayAccept: true,
  },
};

function jsonType(value: Json): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

const anyJson: fc.Arbitrary<Json> = fc.jsonValue() as fc.Arbitrary<Json>;

/** Every place in a body where a value sits, e.g. ["customer", "email"] or ["installments", 0, "amount"]. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function replaceAt(
  body: Json,
  path: (string | number)[],
  replacement: (current: Json) => Json | undefined,
): Json {
  const copy = structuredClone(body);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  const next = replacement(parent[last] as Json);
  if (next === undefined) delete parent[last];
  else parent[last] = next;
  return copy;
}

/** Bodies no route may accept: not an object, an unknown field, a required field missing, a value of the wrong JSON type, or broken JSON. */
function invalidRequests(route: WriteRoute): fc.Arbitrary<Pick<RequestOptions, 'body' | 'rawBody'>> {
  const { valid, required } = route;
  const notAnObject = fc.oneof(
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(anyJson, { maxLength: 3 }),
  );
  const objectPaths = [[], ...pathsOf(valid).filter((path) => jsonType(valueAt(valid, path)) === 'object')];
  const unknownField = fc
    .record({
      at: fc.constantFrom(...objectPaths),
      name: fc.string({ minLength: 1, maxLength: 12 }),
      value: anyJson,
    })
    .filter(({ at, name }) => !(name in (valueAt(valid, at) as object)))
    .map(({ at, name, value }) =>
      at.length
        ? replaceAt(valid, at, (current) => ({ ...(current as object), [name]: value }))
        : { ...valid, [name]: value },
    );
  const wrongType = fc
    .record({ at: fc.constantFrom(...pathsOf(valid)), value: anyJson })
    .filter(({ at, value }) => jsonType(value) !== jsonType(valueAt(valid, at)))
    .map(({ at, value }) => replaceAt(valid, at, () => value));
  const bodies: fc.Arbitrary<Json>[] = [notAnObject, wrongType, ...(route.mayAccept ? [] : [unknownField])];
  if (required.length > 0)
    bodies.push(fc.constantFrom(...required).map((field) => replaceAt(valid, [field], () => undefined)));
  const text = JSON.stringify(valid);
  const brokenJson = fc
    .integer({ min: 1, max: text.length - 1 })
    .map((end) => ({ rawBody: text.slice(0, end) }));
  return fc.oneof(
    fc.oneof(...bodies).map((body) => ({ body })),
    brokenJson,
  );
}

function valueAt(body: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((current, key) => (current as Record<string | number, Json>)[key] as Json, body);
}

/** The route's path with real ids in it, so a request that got through validation would find something to change. */
function pathFor(template: string, taskId: string): string {
  return template.replace(':invoiceId', targetInvoice).replace(':taskId', taskId);
}

const bodyRoutes = apiRoutes.filter((route) => route.body);

test('every route that takes a body is exercised', () => {
  expect(bodyRoutes.map((route) => route.operationId).sort()).toEqual(Object.keys(writeRoutes).sort());
});

describe(`${runsPerRoute} invalid bodies per write route`, () => {
  let taskId: string;
  let before: { sequence: number; timeline: number; task: unknown; workflows: number };

  async function observed() {
    const invoice = await api.request('GET', `/invoices/${targetInvoice}`, { as: 'manager' });
    const timeline = await api.request('GET', `/invoices/${targetInvoice}/timeline`, { as: 'manager' });
    const task = await api.stack.database.db.task.findUniqueOrThrow({ where: { id: taskId } });
    const workflows = await api.stack.env.client.workflow.count();
    return {
      sequence: invoice.body.stateSequence,
      timeline: timeline.body.items.length,
      task,
      workflows: workflows.count,
    };
  }

  beforeAll(async () => {
    await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: newInvoiceBody(targetInvoice, -10),
    });
    taskId = (
      await eventually(() =>
        api.stack.database.db.task
          .findFirst({ where: { invoiceId: targetInvoice } })
          .then((row) => row ?? undefined),
      )
    ).id;
    // Let the workflow settle: it must be still for "unchanged" to mean anything.
    await eventually(
      async () =>
        (await api.request('GET', `/invoices/${targetInvoice}`, { as: 'manager' })).body.currentStage ===
        'secondReminder',
    );
    await eventually(async () => (await api.stack.env.client.workflow.count()).count === 1);
    before = await observed();
  });

  afterAll(async () => {
    expect(await observed()).toEqual(before);
    await expect(api.workflow(neverStarted).describe()).rejects.toThrow();
  });

  test.each(bodyRoutes.map((route) => [route.operationId, route] as const))(
    '%s: never a 5xx, never a change',
    async (operationId, route) => {
      const spec = writeRoutes[operationId];
      if (!spec) throw new Error(`no valid body for ${operationId}`);
      const headers =
        route.access === 'postmark'
          ? {
              authorization: `Basic ${Buffer.from(`${webhookCredentials.user}:${webhookCredentials.password}`).toString('base64')}`,
            }
          : {
              authorization: `Bearer ${api.keys[typeof route.access === 'object' ? (route.access.roles.at(-1) ?? 'manager') : 'manager']}`,
            };
      const refusedOrIgnored = async (request: Pick<RequestOptions, 'body' | 'rawBody'>) => {
        const answer = await api.request('POST', pathFor(route.path, taskId), { ...request, headers });
        const refused =
          answer.status >= 400 &&
          answer.status < 500 &&
          /application\/problem\+json/.test(answer.headers.get('content-type') ?? '');
        const ignored = spec.mayAccept === true && answer.status === 200 && answer.body.outcome === 'ignored';
        return refused || ignored;
      };
      await fc.assert(
        fc.asyncProperty(
          fc.array(invalidRequests(spec), { minLength: batchSize, maxLength: batchSize }),
          async (batch) => (await Promise.all(batch.map(refusedOrIgnored))).every(Boolean),
        ),
        { numRuns: runsPerRoute / batchSize },
      );
    },
  );
});
