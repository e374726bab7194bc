import { WorkflowNotFoundError } from '@temporalio/client';
import { invoice, invoicePage, timeline } from '../../api/schemas/invoice';
import { taskQueue, workflowType } from '../../workflows/messages';
import { daysFromToday, eventually, newInvoiceBody, startApiStack, type ApiStack } from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack({ bodyLimit: '8kb' });
});

afterAll(async () => {
  await api?.close();
});

const projected = (invoiceId: string) =>
  eventually(() =>
    api.stack.database.db.invoice.findUnique({ where: { id: invoiceId } }).then((row) => row ?? undefined),
  );

async function expectNoWorkflow(invoiceId: string): Promise<void> {
  await expect(api.workflow(invoiceId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

describe('POST /invoices', () => {
  test('starts the invoice workflow and answers 201 with the invoice and where to read it', async () => {
    const body = newInvoiceBody('create-1');
    const created = await api.request('POST', '/invoices', { as: 'billing-system', body });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/invoices/create-1');
    expect(invoice.parse(created.body)).toMatchObject({
      invoiceId: 'create-1',
      status: 'open',
      balance: 120_000,
      currency: 'EUR',
      dueDate: body.dueDate,
      daysOverdue: -30,
      nextAction: { kind: 'stage', stage: 'invoice' },
    });
    const description = await api.workflow('create-1').describe();
    expect(description).toMatchObject({ type: workflowType, taskQueue, status: { name: 'RUNNING' } });

    const read = await api.request('GET', '/invoices/create-1', { as: 'bookkeeper' });
    expect(read.status).toBe(200);
    expect(invoice.parse(read.body)).toMatchObject({
      invoiceId: 'create-1',
      invoiceNumber: 'INV-create-1',
      status: 'open',
    });
  });

  test('follows the policy the body names, else the customer policy, else the default', async () => {
    const named = await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: { ...newInvoiceBody('policy-named'), policyId: 'gentle' },
    });
    expect(named.status).toBe(201);
    expect(invoice.parse(named.body).policyId).toBe('gentle');

    const body = newInvoiceBody('policy-customer');
    const byCustomer = await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: { ...body, customer: { ...body.customer, id: 'cust-gentle' } },
    });
    expect(invoice.parse(byCustomer.body).policyId).toBe('gentle');

    const byDefault = await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: newInvoiceBody('policy-default'),
    });
    expect(invoice.parse(byDefault.body).policyId).toBe('default');
  });

  test('an unknown policy is a 400 naming policyId and the known policies, and starts nothing', async () => {
    const refused = await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: { ...newInvoiceBody('policy-unknown'), policyId: 'harsh' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      errors: [
        { in: 'body', path: 'policyId', message: 'Unknown policy "harsh"; known policies: default, gentle.' },
      ],
    });
    await expectNoWorkflow('policy-unknown');
  });

  test('the same body again answers 200 with the invoice as it stands', async () => {
    const body = newInvoiceBody('create-2');
    expect((await api.request('POST', '/invoices', { as: 'billing-system', body })).status).toBe(201);
    const again = await api.request('POST', '/invoices', {
      as: 'billing-system',
      body: { ...body, sendInvoiceEmail: true },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe('/invoices/create-2');
    expect(again.body).toMatchObject({ invoiceId: 'create-2', status: 'open', balance: 120_000 });
  });

  test('a different body for the same invoiceId is a 409 naming each differing field', async () => {
    const body = newInvoiceBody('create-3');
    await api.request('POST', '/invoices', { as: 'billing-system', body });
    const changed = {
      ...body,
      amount: 99_000,
      customer: { ...body.customer, email: 'other@harbour-cafe.example' },
    };
    const conflict = await api.request('POST', '/invoices', { as: 'billing-system', body: changed });

    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(conflict.body).toMatchObject({
      type: '/problems/invoice-conflict',
      status: 409,
      differingFields: ['amount', 'customer.email'],
    });
    expect(conflict.body.detail).toContain('amount, customer.email');
  });

  test('20 identical creates at once start exactly one workflow', async () => {
    const body = newInvoiceBody('create-concurrent');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.request('POST', '/invoices', { as: 'billing-system', body })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(19);
    for (const answer of answers)
      expect(answer.body).toMatchObject({ invoiceId: 'create-concurrent', balance: 120_000 });
    const history = await api.workflow('create-concurrent').fetchHistory();
    expect(history.events?.filter((event) => event.workflowExecutionStartedEventAttributes)).toHaveLength(1);
  });

  test('a bad body is a 400 problem naming every bad field, and starts nothing', async () => {
    const body = {
      ...newInvoiceBody('create-bad'),
      invoiceNumber: undefined,
      amount: 12.5,
      currency: 'eur',
      dueDate: '2026-02-30',
      customer: {
        id: 'c-1',
        name: 'Harbour Café GmbH',
        email: 'not-an-address',
        timeZone: 'Mars/Olympus_Mons',
      },
      colour: 'blue',
    };
    const answer = await api.request('POST', '/invoices', { as: 'billing-system', body });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toBe('/problems/validation-failed');
    expect(answer.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(
      [
        'amount',
        'colour',
        'currency',
        'customer.email',
        'customer.timeZone',
        'dueDate',
        'invoiceNumber',
      ].sort(),
    );
    const message = (path: string) =>
      answer.body.errors.find((error: { path: string }) => error.path === path)?.message;
    expect(message('invoiceNumber')).toMatch(/^is required/);
    expect(message('amount')).toContain('1999 for 19.99 EUR');
    expect(message('customer.timeZone')).toContain('Europe/Berlin');
    expect(message('colour')).toContain('remove it');
    await expectNoWorkflow('create-bad');
  });

  test('a due date before the issue date is refused on dueDate', async () => {
    const body = newInvoiceBody('create-backwards', 30, { dueDate: daysFromToday(-60) });
    const answer = await api.request('POST', '/invoices', { as: 'billing-system', body });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { in: 'body', path: 'dueDate', message: 'must be on or after issueDate' },
    ]);
    await expectNoWorkflow('create-backwards');
  });

  test.each([
    ['malformed JSON', { rawBody: '{"invoiceId": "x",' }, 400, '/problems/malformed-json'],
    [
      'a body that is not JSON',
      { rawBody: 'invoiceId=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      '/problems/unsupported-media-type',
    ],
    [
      'a body over the size limit',
      { body: { ...newInvoiceBody('create-huge'), padding: 'x'.repeat(10_000) } },
      413,
      '/problems/payload-too-large',
    ],
  ])('%s is a problem answer and starts nothing', async (_name, options, status, type) => {
    const answer = await api.request('POST', '/invoices', { as: 'billing-system', ...options });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type, status });
    await expectNoWorkflow('create-huge');
  });

  test('creating a closed invoice again answers it as closed and starts nothing new', async () => {
    const body = newInvoiceBody('create-closed');
    await api.request('POST', '/invoices', { as: 'billing-system', body });
    await api.request('POST', '/invoices/create-closed/cancellation', {
      as: 'billing-system',
      body: { reason: 'Issued in error' },
    });
    await api.workflow('create-closed').result();

    const again = await api.request('POST', '/invoices', { as: 'billing-system', body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'cancelled', closedReason: 'Issued in error' });
    expect((await api.workflow('create-closed').describe()).status.name).toBe('COMPLETED');
  });
});

describe('GET /invoices/:invoiceId', () => {
  test('an unknown invoice is a 404 problem that says what to do', async () => {
    const answer = await api.request('GET', '/invoices/no-such-invoice', { as: 'manager' });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      type: '/problems/not-found',
      detail: expect.stringContaining('POST /invoices'),
    });
  });

  test('an id that cannot be an invoice id is a 400 naming the path parameter', async () => {
    const answer = await api.request('GET', '/invoices/%20bad%20id', { as: 'manager' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'path', path: 'invoiceId' })]);
  });

  test('a closed invoice is read from the projection', async () => {
    const body = newInvoiceBody('read-closed');
    await api.request('POST', '/invoices', { as: 'billing-system', body });
    await api.request('POST', '/invoices/read-closed/payments', {
      as: 'billing-system',
      body: { reference: 'BANK-1', amount: 120_000, currency: 'EUR' },
    });
    await api.workflow('read-closed').result();

    const answer = await api.request('GET', '/invoices/read-closed', { as: 'billing-system' });
    expect(answer.status).toBe(200);
    expect(invoice.parse(answer.body)).toMatchObject({
      status: 'paid',
      balance: 0,
      amountPaid: 120_000,
      closedReason: 'paid in full by BANK-1',
      nextAction: null,
    });
  });
});

describe('GET /invoices/:invoiceId/timeline', () => {
  test("answers the workflow's timeline while it runs and the projection's once closed", async () => {
    await api.request('POST', '/invoices', { as: 'billing-system', body: newInvoiceBody('timeline-1') });
    const running = await api.request('GET', '/invoices/timeline-1/timeline', { as: 'bookkeeper' });
    expect(running.status).toBe(200);
    expect(timeline.parse(running.body).items[0]).toMatchObject({ sequence: 1, type: 'invoice.started' });

    await api.request('POST', '/invoices/timeline-1/cancellation', {
      as: 'billing-system',
      body: { reason: 'Duplicate' },
    });
    await api.workflow('timeline-1').result();
    const closed = await api.request('GET', '/invoices/timeline-1/timeline', { as: 'bookkeeper' });
    expect(closed.body.items.map((entry: { type: string }) => entry.type)).toEqual([
      'invoice.started',
      'invoice.cancelled',
    ]);
    expect(closed.body.items[1]).toMatchObject({
      actor: 'billing-system-key',
      summary: 'Invoice cancelled: Duplicate',
    });
  });

  test('an unknown invoice is a 404', async () => {
    expect((await api.request('GET', '/invoices/nobody/timeline', { as: 'bookkeeper' })).status).toBe(404);
  });
});

describe('GET /invoices', () => {
  const customerId = 'cust-listing';
  const listed = (query: string) =>
    api.request('GET', `/invoices?customerId=${customerId}&${query}`, { as: 'manager' });
  const ids = (answer: { body: { items: { invoiceId: string }[] } }) =>
    answer.body.items.map((item) => item.invoiceId);

  beforeAll(async () => {
    const customer = {
      id: customerId,
      name: 'Listing Ltd',
      email: 'ap@listing.example',
      timeZone: 'America/New_York',
    };
    const bodies = [
      newInvoiceBody('list-future', 30, { customer }),
      newInvoiceBody('list-10-days', -10, { customer }),
      newInvoiceBody('list-35-days', -35, { customer }),
      newInvoiceBody('list-cancelled', 5, { customer }),
    ];
    for (const body of bodies) await api.request('POST', '/invoices', { as: 'billing-system', body });
    await api.request('POST', '/invoices/list-cancelled/cancellation', {
      as: 'billing-system',
      body: { reason: 'Void' },
    });
    const stageOf = (rows: { id: string; currentStage: string | null; status: string }[], id: string) =>
      rows.find((row) => row.id === id);
    await eventually(async () => {
      const rows = await api.stack.database.db.invoice.findMany({ where: { customerId } });
      return (
        rows.length === 4 &&
        stageOf(rows, 'list-10-days')?.currentStage === 'secondReminder' &&
        stageOf(rows, 'list-35-days')?.currentStage === 'finalNotice' &&
        stageOf(rows, 'list-cancelled')?.status === 'cancelled'
      );
    });
  });

  test('lists the projection most overdue first, with days overdue in the customer time zone', async () => {
    const answer = await listed('');
    expect(answer.status).toBe(200);
    expect(invoicePage.parse(answer.body).items.map((item) => [item.invoiceId, item.daysOverdue])).toEqual([
      ['list-35-days', 35],
      ['list-10-days', 10],
      ['list-cancelled', -5],
      ['list-future', -30],
    ]);
    expect(answer.body.items[0]).toMatchObject({
      currentStage: 'finalNotice',
      customer: { id: customerId, name: 'Listing Ltd' },
    });
  });

  test.each([
    ['status=cancelled', ['list-cancelled']],
    ['status=open,cancelled', ['list-35-days', 'list-10-days', 'list-cancelled', 'list-future']],
    ['status=open&status=paid', ['list-35-days', 'list-10-days', 'list-future']],
    ['minDaysOverdue=5', ['list-35-days', 'list-10-days']],
    ['minDaysOverdue=5&maxDaysOverdue=20', ['list-10-days']],
    ['maxDaysOverdue=-1', ['list-cancelled', 'list-future']],
    ['stage=secondReminder', ['list-10-days']],
  ])('filters by %s', async (query, expected) => {
    const answer = await listed(query);
    expect(answer.status).toBe(200);
    expect(ids(answer)).toEqual(expected);
  });

  test('pages with a cursor until nextCursor is null, each invoice once', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const answer = await listed(`limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.body.items).toHaveLength(1);
      seen.push(...ids(answer));
      cursor = answer.body.nextCursor;
    }
    expect(seen).toEqual(['list-35-days', 'list-10-days', 'list-cancelled', 'list-future']);
  });

  test.each([
    ['cursor=not-a-cursor', 'cursor'],
    ['limit=0', 'limit'],
    ['status=lost', 'status.0'],
    ['minDaysOverdue=ten', 'minDaysOverdue'],
    ['minDaysOverdue=10&maxDaysOverdue=5', 'maxDaysOverdue'],
    ['colour=blue', 'colour'],
  ])('%s is a 400 naming %s', async (query, path) => {
    const answer = await listed(query);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ in: 'query', path })]);
  });

  test('the projection row appears for every started invoice', async () => {
    await api.request('POST', '/invoices', { as: 'billing-system', body: newInvoiceBody('list-row') });
    expect(await projected('list-row')).toMatchObject({ status: 'open', workflowId: 'invoice-list-row' });
  });
});
