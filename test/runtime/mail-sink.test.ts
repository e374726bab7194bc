import fs from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Errors, ServerClient } from 'postmark';
import { startMailSink, type MailSink } from '../../runtime/mail-sink';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function postmarkClientFor(sink: MailSink, token = 'test-server-token'): ServerClient {
  return new ServerClient(token, { requestHost: sink.requestHost, useHttps: false });
}

const firmReminder = {
  From: 'Accounts <accounts@recoup.example>',
  To: 'Ada Customer <ada@customer.example>',
  Subject: 'Invoice INV-1001 is 14 days overdue',
  TextBody: 'Please pay EUR 1,234.50 or reply to arrange a payment plan.',
  HtmlBody: '<p>Please pay <b>EUR 1,234.50</b>.</p>',
  Tag: 'firm-reminder',
  MessageStream: 'outbound',
  Metadata: { invoiceId: 'INV-1001', outboxId: 'outbox-7' },
};

describe('mail sink driven by the real postmark client', () => {
  let sink: MailSink;
  let client: ServerClient;

  beforeAll(async () => {
    sink = await startMailSink({ port: 0 });
    client = postmarkClientFor(sink);
  });
  afterEach(() => sink.clear());
  afterAll(() => sink.close());

  test('records exactly what was sent and answers like Postmark', async () => {
    const answer = await client.sendEmail(firmReminder);

    expect(answer).toEqual({
      To: firmReminder.To,
      SubmittedAt: expect.any(String),
      MessageID: expect.stringMatching(uuidPattern),
      ErrorCode: 0,
      Message: 'OK',
    });
    expect(sink.messages()).toEqual([
      expect.objectContaining({
        ...firmReminder,
        MessageID: answer.MessageID,
        ReceivedAt: answer.SubmittedAt,
        Recipients: ['ada@customer.example'],
      }),
    ]);
  });

  test('the client refuses an empty token, and the sink answers 401 when the token header is missing', async () => {
    expect(() => new ServerClient('', { requestHost: sink.requestHost, useHttps: false })).toThrow(
      'A valid API token must be provided.',
    );

    const response = await fetch(`${sink.url}/email`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(firmReminder),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      ErrorCode: 10,
      Message: expect.stringContaining('X-Postmark-Server-Token'),
    });
    expect(sink.messages()).toEqual([]);
  });

  test('a sink with a fixed token rejects other tokens with an InvalidAPIKeyError', async () => {
    const guarded = await startMailSink({ serverToken: 'the-right-token' });
    try {
      await expect(postmarkClientFor(guarded, 'a-wrong-token').sendEmail(firmReminder)).rejects.toMatchObject(
        {
          name: 'InvalidAPIKeyError',
          code: 10,
          statusCode: 401,
        },
      );
      await expect(
        postmarkClientFor(guarded, 'the-right-token').sendEmail(firmReminder),
      ).resolves.toMatchObject({
        ErrorCode: 0,
      });
    } finally {
      await guarded.close();
    }
  });

  test('sending to an inactive recipient throws an InactiveRecipientsError with code 406 and records nothing', async () => {
    sink.markInactive('Ada@Customer.example');

    const sending = client.sendEmail(firmReminder);

    await expect(sending).rejects.toBeInstanceOf(Errors.InactiveRecipientsError);
    await expect(sending).rejects.toMatchObject({
      code: 406,
      statusCode: 422,
      recipients: ['ada@customer.example'],
      message: expect.stringMatching(
        /^You tried to send to recipient\(s\) that have been marked as inactive\./,
      ),
    });
    expect(sink.messages()).toEqual([]);
  });

  test('a message with some inactive recipients goes to the active ones only', async () => {
    sink.markInactive('bounced@customer.example');

    const answer = await client.sendEmail({
      ...firmReminder,
      To: 'bounced@customer.example, bob@customer.example',
    });

    expect(answer.ErrorCode).toBe(0);
    expect(answer.Message).toMatch(
      /^Message OK, but will not deliver to these inactive addresses: bounced@customer\.example\./,
    );
    expect(sink.messages().map((message) => message.Recipients)).toEqual([['bob@customer.example']]);
  });

  test.each([
    [
      'no body',
      { TextBody: undefined, HtmlBody: undefined },
      'Provide either email TextBody or HtmlBody or both.',
    ],
    ['no recipients', { To: undefined }, 'Zero recipients specified'],
    ['an address without @', { To: 'ada.customer.example' }, "Error parsing 'To': Illegal email address"],
    ['no subject', { Subject: '' }, 'Subject is required.'],
    [
      'a metadata value over 80 characters',
      { Metadata: { outboxId: 'x'.repeat(81) } },
      "Metadata field 'outboxId'",
    ],
  ])('refuses a message with %s with ErrorCode 300', async (_case, change, expectedMessage) => {
    const sending = client.sendEmail({ ...firmReminder, ...change } as typeof firmReminder);

    await expect(sending).rejects.toBeInstanceOf(Errors.InvalidEmailRequestError);
    await expect(sending).rejects.toMatchObject({
      code: 300,
      statusCode: 422,
      message: expect.stringContaining(expectedMessage),
    });
    expect(sink.messages()).toEqual([]);
  });

  test('getOutboundMessages with a metadata filter finds exactly the matching message', async () => {
    const sent = [];
    for (const outboxId of ['outbox-1', 'outbox-2', 'outbox-3']) {
      sent.push(await client.sendEmail({ ...firmReminder, Metadata: { invoiceId: 'INV-1001', outboxId } }));
    }

    const found = await client.getOutboundMessages({ count: 1, offset: 0, metadata_outboxId: 'outbox-2' });
    const missing = await client.getOutboundMessages({ count: 1, offset: 0, metadata_outboxId: 'outbox-9' });

    expect(found.TotalCount).toBe(1);
    expect(found.Messages).toEqual([
      expect.objectContaining({
        MessageID: sent[1]!.MessageID,
        To: [{ Email: 'ada@customer.example', Name: 'Ada Customer' }],
        Subject: firmReminder.Subject,
        Metadata: { invoiceId: 'INV-1001', outboxId: 'outbox-2' },
        Status: 'Sent',
        MessageStream: 'outbound',
      }),
    ]);
    expect(missing).toEqual({ TotalCount: 0, Messages: [] });
  });

  test('getOutboundMessages lists newest first and pages with count and offset', async () => {
    for (const outboxId of ['a', 'b', 'c'])
      await client.sendEmail({ ...firmReminder, Metadata: { outboxId } });

    const page = await client.getOutboundMessages({ count: 2, offset: 1, recipient: 'ada@customer.example' });

    expect(page.TotalCount).toBe(3);
    expect(page.Messages.map((message) => message.Metadata.outboxId)).toEqual(['b', 'a']);
  });

  test('serves a human inbox and message page with the email content escaped', async () => {
    const answer = await client.sendEmail({
      ...firmReminder,
      Subject: 'Overdue <script>alert(1)</script>',
      HtmlBody: '<p onclick="x()">Pay "now" & thanks</p>',
    });

    const inbox = await (await fetch(`${sink.url}/`)).text();
    const page = await fetch(`${sink.url}/messages/${answer.MessageID}`);
    const pageHtml = await page.text();
    const api = await (await fetch(`${sink.url}/api/messages`)).json();

    expect(inbox).toContain('Overdue &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(inbox).toContain(`href="/messages/${answer.MessageID}"`);
    expect(inbox).not.toContain('<script>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(pageHtml).toContain('sandbox=""');
    expect(pageHtml).toContain(
      'srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Pay &quot;now&quot; &amp; thanks&lt;/p&gt;"',
    );
    expect(pageHtml).toContain(firmReminder.TextBody);
    expect(api).toEqual([expect.objectContaining({ MessageID: answer.MessageID })]);
    expect((await fetch(`${sink.url}/messages/no-such-id`)).status).toBe(404);
  });
});

describe('mail sink lifecycle', () => {
  test('keeps messages across a restart when given a store file, and clear() empties it', async () => {
    const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recoup-mail-sink-'));
    const storeFile = path.join(storeDir, 'mail', 'messages.jsonl');
    const first = await startMailSink({ storeFile });
    await postmarkClientFor(first).sendEmail(firmReminder);
    await postmarkClientFor(first).sendEmail({ ...firmReminder, Subject: 'Final notice' });
    const sentBeforeRestart = first.messages();
    await first.close();

    const second = await startMailSink({ storeFile });
    try {
      expect(second.messages()).toEqual(sentBeforeRestart);
      expect(second.messages().map((message) => message.Subject)).toEqual([
        firmReminder.Subject,
        'Final notice',
      ]);
      const found = await postmarkClientFor(second).getOutboundMessages({
        count: 1,
        offset: 0,
        metadata_outboxId: 'outbox-7',
      });
      expect(found.TotalCount).toBe(2);

      second.clear();
      expect(fs.readFileSync(storeFile, 'utf8')).toBe('');
    } finally {
      await second.close();
      fs.rmSync(storeDir, { recursive: true, force: true });
    }
  });

  test('close() leaves no open server or socket handles, even with a request still in flight', async () => {
    const tcpHandles = () => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
    // Every earlier sink in this file is closed, so once their sockets wind down no TCP handle is left.
    await waitUntil(() => tcpHandles() === 0);
    const sink = await startMailSink();
    await postmarkClientFor(sink).sendEmail(firmReminder);
    await postmarkClientFor(sink).getOutboundMessages({ count: 10, offset: 0 });
    // "Expect: 100-continue" makes the server confirm it has the request before the body arrives: a request in flight.
    const unfinished = http.request(`${sink.url}/email`, {
      method: 'POST',
      headers: {
        'Content-Length': '100',
        Expect: '100-continue',
        'X-Postmark-Server-Token': 'test-server-token',
      },
    });
    const unfinishedFailed = new Promise((resolve) => unfinished.once('error', resolve));
    unfinished.flushHeaders();
    await once(unfinished, 'continue');
    expect(tcpHandles()).toBeGreaterThan(0);

    await sink.close();
    await unfinishedFailed;
    await sink.close();

    // The client's end of a keep-alive socket closes when the server's end does, a few event-loop turns later.
    await waitUntil(() => tcpHandles() === 0);
    expect(process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP'))).toEqual([]);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
