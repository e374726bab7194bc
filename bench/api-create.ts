import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Connection, Client } from '@temporalio/client';
import pino from 'pino';
import { createApiKey } from '../api/api-keys';
import { startApiServer } from '../api/server';
import { addDays, localDateAt } from '../domain/calendar';
import type { InvoiceTerms } from '../domain/invoice';
import { defaultPolicy } from '../domain/policy';
import { createDatabase } from '../prisma/database';
import { migrateDatabase } from '../prisma/migrator';
import { loadConfig } from '../runtime/config';
import { startEmbeddedDatabase } from '../runtime/embedded-database';
import { startTemporalDevServer } from '../runtime/temporal-dev-server';
import { invoiceStartOptions, workflowType, type InvoiceCollectionInput } from '../workflows/messages';

/**
 * `npm run bench:api`: latency and throughput of POST /invoices against the Temporal dev server, beside the same
 * number of workflow starts made directly with the Temporal client, and their ratio. Prints figures; asserts nothing.
 * No worker runs, so both sides measure starting a workflow, not running one.
 */
const usage = 'npm run bench:api -- [--requests 500] [--concurrency 8] [--warmup 50]';

interface Sample {
  latenciesMs: number[];
  elapsedMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '50' },
    },
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const warmup = Number(values.warmup);
  if (
    ![requests, concurrency, warmup].every((value) => Number.isInteger(value) && value >= 0) ||
    !requests ||
    !concurrency
  ) {
    throw new Error(
      `--requests and --concurrency must be positive whole numbers, --warmup 0 or more.\n${usage}`,
    );
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'recoup-bench-'));
  // Run as root, the embedded PostgreSQL runs as "postgres", which must be able to enter this folder.
  await chmod(scratch, 0o711);
  const log = pino({ level: 'warn' });
  const cleanups: (() => Promise<void>)[] = [async () => rm(scratch, { recursive: true, force: true })];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));
  try {
    const temporalServer = await startTemporalDevServer({
      dataDir: path.join(scratch, 'temporal'),
      port: await freePort(),
      uiPort: await freePort(),
      log,
    });
    cleanups.push(temporalServer.stop);
    const databaseUrl = process.env.DATABASE_URL ?? (await embeddedDatabase(scratch, log, cleanups));
    await migrateDatabase(databaseUrl);
    const db = createDatabase(databaseUrl);
    cleanups.push(() => db.$disconnect());
    const connection = await Connection.connect({ address: temporalServer.address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection });

    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
    const api = await startApiServer(
      { temporal, db, config, log: pino({ level: 'silent' }) },
      '127.0.0.1',
      0,
    );
    cleanups.push(api.close);
    const { secret } = await createApiKey(db, `bench-${Date.now()}`, 'billing-system');
    const runId = Date.now().toString(36);

    const viaApi = (index: number) => async () => {
      const response = await fetch(`${api.url}/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(invoiceTerms(`bench-${runId}-api-${index}`)),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`POST /invoices answered ${response.status}`);
    };
    const direct = (index: number) => async () => {
      const terms = invoiceTerms(`bench-${runId}-direct-${index}`);
      const input: InvoiceCollectionInput = { terms, policy: defaultPolicy };
      await temporal.workflow.start(workflowType, invoiceStartOptions(input));
    };

    await run(warmup, concurrency, (index) => viaApi(requests + index));
    await run(warmup, concurrency, (index) => direct(requests + index));
    const apiSample = await run(requests, concurrency, viaApi);
    const directSample = await run(requests, concurrency, direct);
    report(requests, concurrency, apiSample, directSample);
  } finally {
    await cleanUp();
  }
}

async function embeddedDatabase(
  scratch: string,
  log: pino.Logger,
  cleanups: (() => Promise<void>)[],
): Promise<string> {
  const database = await startEmbeddedDatabase({
    dataDir: path.join(scratch, 'postgres'),
    port: await freePort(),
    log,
  });
  cleanups.push(database.stop);
  return database.connectionString;
}

function invoiceTerms(invoiceId: string): InvoiceTerms {
  const today = localDateAt(Date.now(), 'Europe/Berlin');
  return {
    invoiceId,
    invoiceNumber: `INV-${invoiceId}`,
    customer: {
      id: `cust-${invoiceId}`,
      name: 'Bench Customer Ltd',
      email: 'ap@bench.example',
      timeZone: 'Europe/Berlin',
    },
    currency: 'EUR',
    amount: 120_000,
    issueDate: today,
    dueDate: addDays(today, 30),
    sendInvoiceEmail: false,
  };
}

/** Runs `count` operations with at most `concurrency` in flight, timing each. */
async function run(
  count: number,
  concurrency: number,
  operation: (index: number) => () => Promise<void>,
): Promise<Sample> {
  const latenciesMs: number[] = [];
  let next = 0;
  const startedAt = performance.now();
  const lane = async () => {
    while (next < count) {
      const call = operation(next++);
      const callStartedAt = performance.now();
      await call();
      latenciesMs.push(performance.now() - callStartedAt);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { latenciesMs, elapsedMs: performance.now() - startedAt };
}

function percentile(sortedMs: number[], fraction: number): number {
  return sortedMs[Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1)] ?? Number.NaN;
}

function report(requests: number, concurrency: number, viaApi: Sample, direct: Sample): void {
  const figures = (sample: Sample) => {
    const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
    return {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      perSecond: (requests / sample.elapsedMs) * 1000,
    };
  };
  const api = figures(viaApi);
  const client = figures(direct);
  const row = (label: string, f: { p50: number; p99: number; perSecond: number }) =>
    `${label.padEnd(24)} ${f.p50.toFixed(1).padStart(9)} ${f.p99.toFixed(1).padStart(9)} ${f.perSecond.toFixed(0).padStart(11)}`;
  console.log(
    `\n${requests} workflow starts each, ${concurrency} in flight, Temporal dev server on ${os.cpus().length} CPUs\n`,
  );
  console.log(`${''.padEnd(24)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'starts/s'.padStart(11)}`);
  console.log(row('POST /invoices (REST)', api));
  console.log(row('client.workflow.start', client));
  console.log(
    `${'ratio REST / direct'.padEnd(24)} ${`${(api.p50 / client.p50).toFixed(2)}x`.padStart(9)} ${`${(api.p99 / client.p99).toFixed(2)}x`.padStart(9)} ${`${(api.perSecond / client.perSecond).toFixed(2)}x`.padStart(11)}\n`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
