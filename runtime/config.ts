import path from 'node:path';
import { z } from 'zod';

const repoRoot = path.resolve(__dirname, '..');

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** Every setting Recoup reads from the environment, with the default it runs on out of the box. */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default(path.join(repoRoot, 'data')),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL such as postgresql://user:password@host:5432/recoup')
    .optional(),
  EMBEDDED_POSTGRES_PORT: port.default(54329),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'host:port, e.g. localhost:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_DEV_SERVER_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  API_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'a size such as 64kb or 1mb')
    .default('64kb'),
  API_ANSWER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),

  POSTMARK_SERVER_TOKEN: z.string().min(1).optional(),
  POSTMARK_MESSAGE_STREAM: z.string().min(1).default('outbound'),
  MAIL_SINK_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_SINK_PORT: port.default(8025),
  MAIL_FROM: z.string().min(3).default('Accounts <accounts@example.com>'),

  SENDER_COMPANY_NAME: z.string().min(1).default('Example Trading Ltd'),
  SENDER_CONTACT_NAME: z.string().min(1).default('Accounts team'),
  SENDER_CONTACT_EMAIL: z
    .email('an email address, e.g. accounts@example.com')
    .default('accounts@example.com'),
  SENDER_CONTACT_PHONE: z.string().min(1).optional(),
  PAYMENT_INSTRUCTIONS: z
    .string()
    .min(1)
    .default('Pay by bank transfer to IBAN GB00 EXAM 0000 0000 0000 00, quoting the invoice number.'),

  POLICY_FILE: z.string().min(1).optional(),
  AGENCY_HANDOFF_URL: z.url('an http(s) URL the agency receives hand-offs on').optional(),
  POSTMARK_WEBHOOK_USER: z.string().min(1).default('postmark'),
  POSTMARK_WEBHOOK_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface TemporalSettings {
  /** Unset means: start the embedded Temporal dev server. */
  address?: string;
  namespace: string;
  apiKey?: string;
  tls: boolean;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  devServerPort: number;
  uiPort: number;
}

export interface SenderIdentity {
  companyName: string;
  contactName: string;
  contactEmail: string;
  contactPhone?: string;
  paymentInstructions: string;
}

export interface Config {
  env: Environment['NODE_ENV'];
  logLevel: Environment['LOG_LEVEL'];
  dataDir: string;
  database: { url?: string; embeddedPort: number };
  temporal: TemporalSettings;
  api: {
    host: string;
    port: number;
    /** Requests per minute per API key (per IP address for callers without one). */
    requestsPerMinute: number;
    /** Largest JSON body accepted, e.g. "64kb". */
    bodyLimit: string;
    /** How long a query or update may wait for the worker before the caller gets a 503. */
    answerTimeoutMs: number;
  };
  mail: {
    postmarkServerToken?: string;
    messageStream: string;
    sinkHost: string;
    sinkPort: number;
    from: string;
  };
  sender: SenderIdentity;
  agency: { handoffUrl?: string };
  /** JSON file with extra collection policies and which customers follow them. */
  policyFile?: string;
  webhooks: { postmarkUser: string; postmarkPassword?: string };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; a bad value stops start-up with the variable's name and what it expects. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration; fix these environment variables:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TEMPORAL_TLS_CERT_PATH && !e.TEMPORAL_TLS_KEY_PATH) {
    throw new ConfigError(
      'TEMPORAL_TLS_KEY_PATH is required when TEMPORAL_TLS_CERT_PATH is set (mTLS needs both).',
    );
  }
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir: path.resolve(e.DATA_DIR),
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_POSTGRES_PORT },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS || Boolean(e.TEMPORAL_API_KEY) || Boolean(e.TEMPORAL_TLS_CERT_PATH),
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      devServerPort: e.TEMPORAL_DEV_SERVER_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      requestsPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      bodyLimit: e.API_BODY_LIMIT,
      answerTimeoutMs: e.API_ANSWER_TIMEOUT_MS,
    },
    mail: {
      postmarkServerToken: e.POSTMARK_SERVER_TOKEN,
      messageStream: e.POSTMARK_MESSAGE_STREAM,
      sinkHost: e.MAIL_SINK_HOST,
      sinkPort: e.MAIL_SINK_PORT,
      from: e.MAIL_FROM,
    },
    sender: {
      companyName: e.SENDER_COMPANY_NAME,
      contactName: e.SENDER_CONTACT_NAME,
      contactEmail: e.SENDER_CONTACT_EMAIL,
      contactPhone: e.SENDER_CONTACT_PHONE,
      paymentInstructions: e.PAYMENT_INSTRUCTIONS,
    },
    agency: { handoffUrl: e.AGENCY_HANDOFF_URL },
    policyFile: e.POLICY_FILE,
    webhooks: { postmarkUser: e.POSTMARK_WEBHOOK_USER, postmarkPassword: e.POSTMARK_WEBHOOK_PASSWORD },
  };
}
