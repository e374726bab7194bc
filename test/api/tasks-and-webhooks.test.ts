import pino from 'pino';
import { startApiServer } from '../../api/server';
import { task, taskPage } from '../../api/schemas/tasks';
import { loadConfig } from '../../runtime/config';
import { eventually, newInvoiceBody, startApiStack, webhookCredentials, type ApiStack } from './api-stack';

let api: ApiStack;

beforeAll(async () => {
  api = await startApiStack();
});

afterAll(async () => {
  await api?.close();
});

/** An invoice 10 days overdue: its second reminder has gone out and a bookkeeper call task is open. */
async function overdueInvoice(invoiceId: string): Promise<void> {
  const answer = await api.request('POST', '/invoices', {
    as: 'billing-system',
    body: newInvoiceBody(invoiceId, -10),
  });
  expect(answer.status).toBe(201);
}

const taskOf = (invoiceId: string, kind: string) =>
  eventually(() =>
    api.stack.database.db.task.findFirst({ where: { invoiceId, kind } }).then((row) => row ?? undefined),
  );

describe('the task inbox', () => {
  test('lists open tasks by role with their call script, oldest first', async () => {
    await overdueInvoice('inbox-1');
    const opened = await taskOf('inbox-1', 'secondReminderCall');

    const answer = await api.request('GET', '/tasks?role=bookkeeper', { as: 'bookkeeper' });
    expect(answer.status).toBe(200);
    const listed = taskPage.parse(answer.body).items.find((item) => item.taskId === opened.id);
    expect(listed).toMatchObject({
      invoiceId: 'inbox-1',
      invoiceNumber: 'INV-inbox-1',
      kind: 'secondReminderCall',
      role: 'bookkeeper',
      status: 'open',
      assignee: null,
      script: expect.stringContaining('Harbour Café GmbH'),
    });
    const managers = await api.request('GET', '/tasks?role=manager', { as: 'manager' });
    expect(managers.body.items.map((item: { taskId: string }) => item.taskId)).not.toContain(opened.id);
  });

  test("assigning a task shows it in its assignee's inbox", async () => {
    await overdueInvoice('inbox-assign');
    const opened = await taskOf('inbox-assign', 'secondReminderCall');
    const assigned = await api.request('POST', `/tasks/${opened.id}/assignment`, {
      as: 'bookkeeper',
      body: { assignee: 'maria' },
    });
    expect(assigned.status).toBe(200);
    expect(task.parse(assigned.body)).toMatchObject({ taskId: opened.id, assignee: 'maria', status: 'open' });

    const marias = await api.request('GET', '/tasks?assignee=maria', { as: 'bookkeeper' });
    expect(marias.body.items.map((item: { taskId: string }) => item.taskId)).toEqual([opened.id]);
  });

  test('completing a task feeds its outcome to the workflow; the same completion again is harmless', async () => {
    await overdueInvoice('inbox-complete');
    const opened = await taskOf('inbox-complete', 'secondReminderCall');
    const completion = { outcome: 'Spoke to AP; payment run on Friday', customerReached: true };
    const done = await api.request('POST', `/tasks/${opened.id}/completion`, {
      as: 'bookkeeper',
      body: completion,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'completed',
      outcome: completion.outcome,
      assignee: 'bookkeeper-key',
    });
    expect(done.body.completedAt).toEqual(expect.any(String));

    const timeline = (await api.request('GET', '/invoices/inbox-complete/timeline', { as: 'bookkeeper' }))
      .body.items;
    expect(timeline.at(-1)).toMatchObject({
      type: 'task.completed',
      actor: 'bookkeeper-key',
      data: { taskKey: 'secondReminder', customerReached: true },
    });
    const invoice = await api.request('GET', '/invoices/inbox-complete', { as: 'bookkeeper' });
    expect(invoice.body.lastCustomerResponseAt).toEqual(timeline.at(-1).at);

    const again = await api.request('POST', `/tasks/${opened.id}/completion`, {
      as: 'bookkeeper',
      body: completion,
    });
    expect(again.status).toBe(200);
    const timelineAfter = (
      await api.request('GET', '/invoices/inbox-complete/timeline', { as: 'bookkeeper' })
    ).body.items;
    expect(timelineAfter).toHaveLength(timeline.length);

    const different = await api.request('POST', `/tasks/${opened.id}/completion`, {
      as: 'bookkeeper',
      body: { outcome: 'No answer', customerReached: false },
    });
    expect(different.status).toBe(409);
    expect(different.body).toMatchObject({
      type: '/problems/task-conflict',
      detail: expect.stringContaining('already completed'),
    });
    const reassign = await api.request('POST', `/tasks/${opened.id}/assignment`, {
      as: 'manager',
      body: { assignee: 'tom' },
    });
    expect(reassign.status).toBe(409);
  });

  test('a bookkeeper may not work a manager task; a manager may', async () => {
    await api.request('POST', '/invoices', { as: 'billing-system', body: newInvoiceBody('inbox-dispute') });
    await api.request('POST', '/invoices/inbox-dispute/disputes', {
      as: 'bookkeeper',
      body: { reason: 'Wrong quantity' },
    });
    const review = await taskOf('inbox-dispute', 'disputeReview');
    const completion = { outcome: 'Credit note agreed', customerReached: true };

    const refused = await api.request('POST', `/tasks/${review.id}/completion`, {
      as: 'bookkeeper',
      body: completion,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('a manager task');
    const done = await api.request('POST', `/tasks/${review.id}/completion`, {
      as: 'manager',
      body: completion,
    });
    expect(done.status).toBe(200);
  });

  test('unknown tasks are 404; malformed ids and filters are 400', async () => {
    const unknown = await api.request('POST', '/tasks/00000000-0000-4000-8000-000000000000/assignment', {
      as: 'manager',
      body: { assignee: 'tom' },
    });
    expect(unknown.status).toBe(404);
    const malformed = await api.request('POST', '/tasks/42/completion', {
      as: 'manager',
      body: { outcome: 'x', customerReached: true },
    });
    expect(malformed.body.errors).toEqual([expect.objectContaining({ in: 'path', path: 'taskId' })]);
    const filter = await api.request('GET', '/tasks?role=agency&status=done', { as: 'manager' });
    expect(filter.body.errors.map((error: { path: string }) => error.path)).toEqual(['role', 'status']);
  });

  test('pages with a cursor', async () => {
    const all = (await api.request('GET', '/tasks?status=open&limit=200', { as: 'manager' })).body.items;
    expect(all.length).toBeGreaterThan(1);
    const first = await api.request('GET', '/tasks?status=open&limit=1', { as: 'manager' });
    const second = await api.request('GET', `/tasks?status=open&limit=1&cursor=${first.body.nextCursor}`, {
      as: 'manager',
    });
    expect([first.body.items[0].taskId, second.body.items[0].taskId]).toEqual([all[0].taskId, all[1].taskId]);
  });
});

describe('Postmark webhooks', () => {
  const basic = (user: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });
  const postmark = basic(webhookCredentials.user, webhookCredentials.password);
  const deliver = (event: object, headers: Record<string, string> = postmark) =>
    api.request('POST', '/webhooks/postmark', { body: event, headers });

  async function sentReminder(invoiceId: string) {
    await overdueInvoice(invoiceId);
    return eventually(() =>
      api.stack.database.db.emailMessage
        .findFirst({ where: { invoiceId, stageKey: 'secondReminder', providerMessageId: { not: null } } })
        .then((row) => row ?? undefined),
    );
  }

  test('a delivery is recorded once', async () => {
    const message = await sentReminder('hook-delivery');
    const event = {
      RecordType: 'Delivery',
      MessageID: message.providerMessageId,
      Recipient: message.toAddress,
      DeliveredAt: '2026-12-03T10:00:00Z',
    };
    expect((await deliver(event)).body).toEqual({ outcome: 'recorded', detail: 'Delivery recorded.' });
    expect((await deliver(event)).body.outcome).toBe('duplicate');
    const stored = await api.stack.database.db.emailMessage.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored).toMatchObject({ status: 'delivered', deliveredAt: new Date('2026-12-03T10:00:00Z') });
  });

  test('a hard bounce opens one manager task to fix the address, however often it arrives', async () => {
    const message = await sentReminder('hook-bounce');
    const event = {
      RecordType: 'Bounce',
      MessageID: message.providerMessageId,
      Type: 'HardBounce',
      TypeCode: 1,
      Email: message.toAddress,
      Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    };
    const answers = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(answers.map((answer) => answer.body.outcome).sort()).toEqual([
      'duplicate',
      'duplicate',
      'recorded',
    ]);

    const fixAddress = await taskOf('hook-bounce', 'fixEmailAddress');
    expect(fixAddress).toMatchObject({ role: 'manager', status: 'open' });
    const timeline = (await api.request('GET', '/invoices/hook-bounce/timeline', { as: 'manager' })).body
      .items;
    expect(timeline.filter((entry: { type: string }) => entry.type === 'email.undeliverable')).toEqual([
      expect.objectContaining({ actor: 'postmark', data: { kind: 'hardBounce' } }),
    ]);
    expect(
      await api.stack.database.db.task.count({
        where: { invoiceId: 'hook-bounce', kind: 'fixEmailAddress' },
      }),
    ).toBe(1);
  });

  test('a soft bounce is noted on the message and changes nothing else', async () => {
    const message = await sentReminder('hook-soft');
    const event = {
      RecordType: 'Bounce',
      MessageID: message.providerMessageId,
      Type: 'Transient',
      Email: message.toAddress,
      Description: 'Mailbox full',
    };
    expect((await deliver(event)).body.outcome).toBe('recorded');
    expect(
      await api.stack.database.db.emailMessage.findUniqueOrThrow({ where: { id: message.id } }),
    ).toMatchObject({
      status: 'sent',
      error: 'Transient: Mailbox full',
    });
  });

  test('a spam complaint stops all email to the customer', async () => {
    const message = await sentReminder('hook-spam');
    const event = {
      RecordType: 'SpamComplaint',
      MessageID: message.providerMessageId,
      Email: message.toAddress,
      TypeCode: 512,
    };
    expect((await deliver(event)).body.outcome).toBe('recorded');
    expect((await deliver(event)).body.outcome).toBe('duplicate');
    const customer = await api.stack.database.db.customer.findUniqueOrThrow({
      where: { id: 'cust-hook-spam' },
    });
    expect(customer.emailSuppressed).toBe(true);
    const timeline = (await api.request('GET', '/invoices/hook-spam/timeline', { as: 'manager' })).body.items;
    expect(timeline.filter((entry: { type: string }) => entry.type === 'email.spamComplaint')).toHaveLength(
      1,
    );
  });

  test('events for messages Recoup did not send, and record types it does not use, are acknowledged and ignored', async () => {
    expect((await deliver({ RecordType: 'Delivery', MessageID: 'not-ours' })).body.outcome).toBe('ignored');
    expect((await deliver({ RecordType: 'Open', MessageID: 'whatever', FirstOpen: true })).body.outcome).toBe(
      'ignored',
    );
  });

  test('without the webhook credentials the answer is 401 with a Basic challenge', async () => {
    const event = { RecordType: 'Delivery', MessageID: 'x' };
    for (const headers of [
      {},
      basic('postmark', 'wrong-password'),
      { authorization: `Bearer ${api.keys.manager}` },
    ]) {
      const answer = await deliver(event, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Basic realm="recoup-webhooks"');
    }
  });

  test('an event missing what its record type needs is a 400 naming the field', async () => {
    const answer = await deliver({ RecordType: 'Bounce', MessageID: 'm-1', Type: 'HardBounce' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'Email' })]);
    const unknown = await deliver({ RecordType: 'Inbound' });
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'RecordType' })]);
  });

  test('with no webhook password configured, webhooks answer 503 saying what to set', async () => {
    const unconfigured = await startApiServer(
      {
        temporal: api.stack.env.client,
        db: api.stack.database.db,
        config: loadConfig({ LOG_LEVEL: 'silent' }),
        log: pino({ level: 'silent' }),
      },
      '127.0.0.1',
      0,
    );
    try {
      const response = await fetch(`${unconfigured.url}/webhooks/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...postmark },
        body: JSON.stringify({ RecordType: 'Delivery', MessageID: 'x' }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { detail: string }).detail).toContain('POSTMARK_WEBHOOK_PASSWORD');
    } finally {
      await unconfigured.close();
    }
  });
});
