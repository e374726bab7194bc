import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** One email accepted by the sink, as the sender submitted it plus what Postmark would add. */
export interface SentMessage {
  MessageID: string;
  ReceivedAt: string;
  From: string;
  To: string;
  Cc?: string;
  Bcc?: string;
  ReplyTo?: string;
  Subject: string;
  TextBody?: string;
  HtmlBody?: string;
  Tag?: string;
  Metadata: Record<string, string>;
  MessageStream: string;
  Headers?: { Name: string; Value: string }[];
  Attachments?: unknown[];
  TrackOpens?: boolean;
  TrackLinks?: string;
  /** Lower-cased addresses (To, Cc, Bcc) the message was delivered to; inactive recipients are left out. */
  Recipients: string[];
}

export interface MailSinkOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** JSON-lines file that keeps messages across restarts. */
  storeFile?: string;
  /** When set, only this token is accepted; otherwise any non-empty X-Postmark-Server-Token is. */
  serverToken?: string;
}

export interface MailSink {
  url: string;
  port: number;
  /** Value for the postmark client's `requestHost` option (use it with `useHttps: false`). */
  requestHost: string;
  /** Every accepted message, oldest first. */
  messages(): SentMessage[];
  /** Sends whose recipients are all inactive are refused with ErrorCode 406, like Postmark after a hard bounce. */
  markInactive(email: string): void;
  /** Back to an empty sink: forgets messages (and empties the store file) and inactive marks. */
  clear(): void;
  close(): Promise<void>;
}

const maxRequestBytes = 10 * 1024 * 1024;
const maxRecipients = 50;
const maxMetadataFields = 10;
const maxMetadataNameLength = 20;
const maxMetadataValueLength = 80;
const maxMessagesPerPage = 500;

class PostmarkApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const storeFile = options.storeFile ? path.resolve(options.storeFile) : undefined;
  const messages: SentMessage[] = storeFile ? loadStoredMessages(storeFile) : [];
  const inactiveRecipients = new Set<string>();

  const record = (message: SentMessage) => {
    messages.push(message);
    if (storeFile) fs.appendFileSync(storeFile, `${JSON.stringify(message)}\n`);
  };

  const server = http.createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      if (error instanceof PostmarkApiError) {
        sendJson(response, error.httpStatus, { ErrorCode: error.errorCode, Message: error.message });
      } else {
        sendJson(response, 500, { ErrorCode: 500, Message: `Mail sink failed: ${(error as Error).message}` });
      }
    });
  });

  async function handleRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://mail-sink.invalid');
    const route = `${request.method} ${url.pathname}`;
    if (route === 'POST /email') {
      checkServerToken(request, options.serverToken);
      const email = await readJsonBody(request);
      const { message, response: answer } = acceptEmail(email, inactiveRecipients);
      if (message) record(message);
      return sendJson(response, 200, answer);
    }
    if (route === 'GET /messages/outbound') {
      checkServerToken(request, options.serverToken);
      return sendJson(response, 200, searchOutboundMessages(messages, url.searchParams));
    }
    if (route === 'GET /api/messages') return sendJson(response, 200, [...messages].reverse());
    if (route === 'GET /') return sendHtml(response, 200, renderInbox(messages));
    const messagePage = /^GET \/messages\/([^/]+)$/.exec(route);
    if (messagePage) {
      const message = messages.find(
        (candidate) => candidate.MessageID === decodeURIComponent(messagePage[1]!),
      );
      return message
        ? sendHtml(response, 200, renderMessage(message))
        : sendHtml(
            response,
            404,
            renderPage('Not found', '<p>No such message. <a href="/">Back to the inbox</a></p>'),
          );
    }
    throw new PostmarkApiError(
      404,
      404,
      `The mail sink has no ${route}. It serves POST /email, GET /messages/outbound, GET /api/messages, GET / and GET /messages/:id.`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Mail sink: ${host}:${options.port} is already in use. Stop what is listening there or pick another port (0 picks a free one).`,
            )
          : error,
      );
    });
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  const requestHost = `${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${requestHost}`,
    port,
    requestHost,
    messages: () => [...messages],
    markInactive: (email) => void inactiveRecipients.add(email.trim().toLowerCase()),
    clear: () => {
      messages.length = 0;
      inactiveRecipients.clear();
      if (storeFile) fs.writeFileSync(storeFile, '');
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // server.close() alone waits for idle keep-alive connections (the postmark client's fetch pool holds some).
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkServerToken(request: http.IncomingMessage, expectedToken: string | undefined): void {
  const token = request.headers['x-postmark-server-token'];
  if (typeof token !== 'string' || token.trim() === '') {
    throw new PostmarkApiError(
      401,
      10,
      'No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.',
    );
  }
  if (expectedToken !== undefined && token !== expectedToken) {
    throw new PostmarkApiError(
      401,
      10,
      'The Server Token you provided in the X-Postmark-Server-Token request header was invalid. Please verify that you are using a valid token.',
    );
  }
}

async function readJsonBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxRequestBytes) throw new PostmarkApiError(413, 413, 'Request body is larger than 10 MB.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new PostmarkApiError(422, 402, `Invalid JSON: ${(error as Error).message}`);
  }
}

interface Address {
  Email: string;
  Name: string;
}

function acceptEmail(
  body: unknown,
  inactiveRecipients: ReadonlySet<string>,
): { message?: SentMessage; response: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PostmarkApiError(
      422,
      403,
      'Incompatible JSON: POST /email takes one message object (batches go to /email/batch).',
    );
  }
  const email = body as Record<string, unknown>;
  const from = optionalString(email, 'From');
  if (!from) throw invalidEmail("Invalid 'From' address: no From address was given.");
  parseAddressList('From', from);
  const to = optionalString(email, 'To') ?? '';
  const cc = optionalString(email, 'Cc');
  const bcc = optionalString(email, 'Bcc');
  const recipients = [
    ...parseAddressList('To', to),
    ...parseAddressList('Cc', cc ?? ''),
    ...parseAddressList('Bcc', bcc ?? ''),
  ].map((address) => address.Email.toLowerCase());
  if (recipients.length === 0) throw invalidEmail('Zero recipients specified');
  if (recipients.length > maxRecipients) {
    throw invalidEmail(
      `Maximum of ${maxRecipients} recipients allowed per email message (To, Cc and Bcc together).`,
    );
  }
  const subject = optionalString(email, 'Subject');
  if (!subject?.trim()) throw invalidEmail('Subject is required.');
  const textBody = optionalString(email, 'TextBody');
  const htmlBody = optionalString(email, 'HtmlBody');
  if (!textBody && !htmlBody) throw invalidEmail('Provide either email TextBody or HtmlBody or both.');
  const metadata = parseMetadata(email.Metadata);

  const inactive = recipients.filter((address) => inactiveRecipients.has(address));
  if (inactive.length === recipients.length) {
    throw new PostmarkApiError(
      422,
      406,
      `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${inactive.join(', ')}. ` +
        'Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.',
    );
  }

  const message: SentMessage = {
    MessageID: randomUUID(),
    ReceivedAt: new Date().toISOString(),
    From: from,
    To: to,
    Cc: cc,
    Bcc: bcc,
    ReplyTo: optionalString(email, 'ReplyTo'),
    Subject: subject,
    TextBody: textBody,
    HtmlBody: htmlBody,
    Tag: optionalString(email, 'Tag'),
    Metadata: metadata,
    MessageStream: optionalString(email, 'MessageStream') ?? 'outbound',
    Headers: Array.isArray(email.Headers) ? (email.Headers as SentMessage['Headers']) : undefined,
    Attachments: Array.isArray(email.Attachments) ? email.Attachments : undefined,
    TrackOpens: typeof email.TrackOpens === 'boolean' ? email.TrackOpens : undefined,
    TrackLinks: optionalString(email, 'TrackLinks'),
    Recipients: recipients.filter((address) => !inactive.includes(address)),
  };
  // Postmark delivers to the active recipients and names the inactive ones in an otherwise successful answer.
  const answerMessage =
    inactive.length > 0
      ? `Message OK, but will not deliver to these inactive addresses: ${inactive.join(', ')}. ` +
        'Inactive recipients are ones that have generated a hard bounce or a spam complaint.'
      : 'OK';
  return {
    message,
    response: {
      To: to,
      SubmittedAt: message.ReceivedAt,
      MessageID: message.MessageID,
      ErrorCode: 0,
      Message: answerMessage,
    },
  };
}

function invalidEmail(message: string): PostmarkApiError {
  return new PostmarkApiError(422, 300, message);
}

function optionalString(email: Record<string, unknown>, field: string): string | undefined {
  const value = email[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalidEmail(`'${field}' must be a string, got ${JSON.stringify(value)}.`);
  return value;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidEmail('Metadata must be an object of string values, e.g. {"outboxId": "42"}.');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > maxMetadataFields)
    throw invalidEmail(`Metadata can have at most ${maxMetadataFields} fields.`);
  for (const [name, fieldValue] of entries) {
    if (name.length > maxMetadataNameLength) {
      throw invalidEmail(`Metadata field name '${name}' is longer than ${maxMetadataNameLength} characters.`);
    }
    if (typeof fieldValue !== 'string') throw invalidEmail(`Metadata field '${name}' must be a string.`);
    if (fieldValue.length > maxMetadataValueLength) {
      throw invalidEmail(`Metadata field '${name}' is longer than ${maxMetadataValueLength} characters.`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseAddressList(field: string, list: string): Address[] {
  return splitOutsideQuotes(list).map((entry) => {
    const angled = /^(.*)<([^>]*)>\s*$/.exec(entry);
    const email = (angled ? angled[2]! : entry).trim();
    const name = angled ? angled[1]!.trim().replace(/^"(.*)"$/, '$1') : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw invalidEmail(
        `Error parsing '${field}': Illegal email address '${email}'. It must contain the '@' symbol.`,
      );
    }
    return { Email: email, Name: name };
  });
}

function splitOutsideQuotes(list: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of list) {
    if (character === '"') quoted = !quoted;
    if (character === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function searchOutboundMessages(messages: SentMessage[], query: URLSearchParams): Record<string, unknown> {
  const count = Number(query.get('count'));
  const offset = Number(query.get('offset') ?? 0);
  if (!Number.isInteger(count) || count < 1 || count > maxMessagesPerPage) {
    throw new PostmarkApiError(
      422,
      0,
      `The 'count' parameter is required: an integer from 1 to ${maxMessagesPerPage}.`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new PostmarkApiError(422, 0, "The 'offset' parameter must be an integer of 0 or more.");
  }
  const filters = new Map<string, string>();
  const metadataFilters: [string, string][] = [];
  for (const [key, value] of query) {
    if (key.toLowerCase().startsWith('metadata_'))
      metadataFilters.push([key.slice('metadata_'.length), value]);
    else filters.set(key.toLowerCase(), value);
  }
  const contains = (haystack: string | undefined, needle: string) =>
    (haystack ?? '').toLowerCase().includes(needle.toLowerCase());
  const matching = [...messages].reverse().filter((message) => {
    const recipient = filters.get('recipient');
    if (recipient !== undefined && !message.Recipients.some((address) => contains(address, recipient)))
      return false;
    const fromEmail = filters.get('fromemail');
    if (fromEmail !== undefined && !contains(message.From, fromEmail)) return false;
    const tag = filters.get('tag');
    if (tag !== undefined && message.Tag !== tag) return false;
    const subject = filters.get('subject');
    if (subject !== undefined && !contains(message.Subject, subject)) return false;
    const stream = filters.get('messagestream');
    if (stream !== undefined && message.MessageStream !== stream) return false;
    const status = filters.get('status');
    if (status !== undefined && status.toLowerCase() !== 'sent') return false;
    return metadataFilters.every(([name, value]) => message.Metadata[name] === value);
  });
  return {
    TotalCount: matching.length,
    Messages: matching.slice(offset, offset + count).map(toOutboundMessage),
  };
}

function toOutboundMessage(message: SentMessage): Record<string, unknown> {
  return {
    MessageID: message.MessageID,
    Tag: message.Tag ?? '',
    To: parseAddressList('To', message.To),
    Cc: parseAddressList('Cc', message.Cc ?? ''),
    Bcc: parseAddressList('Bcc', message.Bcc ?? ''),
    Recipients: message.Recipients,
    ReceivedAt: message.ReceivedAt,
    From: message.From,
    Subject: message.Subject,
    Attachments: (message.Attachments ?? []).map(
      (attachment) => (attachment as { Name?: string }).Name ?? '',
    ),
    Status: 'Sent',
    TrackOpens: message.TrackOpens ?? false,
    TrackLinks: message.TrackLinks ?? 'None',
    Metadata: message.Metadata,
    MessageStream: message.MessageStream,
    Sandboxed: false,
  };
}

function loadStoredMessages(storeFile: string): SentMessage[] {
  if (!fs.existsSync(storeFile)) {
    fs.mkdirSync(path.dirname(storeFile), { recursive: true });
    return [];
  }
  const messages: SentMessage[] = [];
  for (const line of fs.readFileSync(storeFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      messages.push(JSON.parse(line) as SentMessage);
    } catch {
      // A crash mid-append can leave a torn last line; the messages before it are intact.
    }
  }
  return messages;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendHtml(response: http.ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    // Email HTML is untrusted: no scripts, no remote loads (tracking pixels) from the sink's pages.
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'",
  });
  response.end(html);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: 1rem; }
iframe { width: 100%; height: 32rem; border: 1px solid #ddd; }
dt { font-weight: bold; } dd { margin: 0 0 .5rem 0; }
</style></head>
<body>${body}</body></html>`;
}

function renderInbox(messages: SentMessage[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (message) =>
        `<tr><td>${escapeHtml(message.ReceivedAt)}</td><td>${escapeHtml(message.To)}</td>` +
        `<td><a href="/messages/${encodeURIComponent(message.MessageID)}">${escapeHtml(message.Subject)}</a></td>` +
        `<td>${escapeHtml(message.Tag ?? '')}</td></tr>`,
    )
    .join('\n');
  const table = messages.length
    ? `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>Tag</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No messages yet.</p>';
  return renderPage(
    'Recoup mail sink',
    `<h1>Recoup mail sink</h1><p>${messages.length} message(s), newest first.</p>${table}`,
  );
}

function renderMessage(message: SentMessage): string {
  const fields: [string, string | undefined][] = [
    ['From', message.From],
    ['To', message.To],
    ['Cc', message.Cc],
    ['Bcc', message.Bcc],
    ['Reply-To', message.ReplyTo],
    ['Received', message.ReceivedAt],
    ['Tag', message.Tag],
    ['Stream', message.MessageStream],
    ['Metadata', Object.keys(message.Metadata).length ? JSON.stringify(message.Metadata) : undefined],
    ['Message ID', message.MessageID],
  ];
  const details = fields
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value!)}</dd>`)
    .join('');
  const text =
    message.TextBody !== undefined ? `<h2>Text</h2><pre>${escapeHtml(message.TextBody)}</pre>` : '';
  const html =
    message.HtmlBody !== undefined
      ? `<h2>HTML</h2><iframe sandbox="" title="HTML body" srcdoc="${escapeHtml(message.HtmlBody)}"></iframe>`
      : '';
  return renderPage(
    message.Subject,
    `<p><a href="/">&larr; All messages</a></p><h1>${escapeHtml(message.Subject)}</h1><dl>${details}</dl>${text}${html}`,
  );
}

if (require.main === module) {
  const port = Number(process.env.MAIL_SINK_PORT ?? 8025);
  startMailSink({ port, host: process.env.MAIL_SINK_HOST, storeFile: process.env.MAIL_SINK_STORE_FILE }).then(
    (sink) => {
      console.log(
        `Mail sink listening at ${sink.url} (Postmark client: requestHost '${sink.requestHost}', useHttps false)`,
      );
      const stop = () => void sink.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
