import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { startApiServer } from '../api/server';
import { createDatabase, type Database } from '../prisma/database';
import { migrateDatabase } from '../prisma/migrator';
import { startWorker } from '../worker/run-worker';
import { loadConfig, type Config } from './config';
import { startEmbeddedDatabase } from './embedded-database';
import { startMailSink } from './mail-sink';
import { connectTemporalClient } from './temporal-connection';
import { startTemporalDevServer } from './temporal-dev-server';

type Stop = { name: string; stop: () => Promise<unknown> };

/**
 * `npm start`: the whole service on one machine with embedded defaults — Temporal dev server (SQLite) and
 * an embedded PostgreSQL under DATA_DIR unless TEMPORAL_ADDRESS / DATABASE_URL point elsewhere, the local
 * mail sink unless POSTMARK_SERVER_TOKEN is set, migrations, the worker and the API.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'recoup' });
  // This process owns shutdown: it stops the API and worker first, then the servers they use.
  Runtime.install({ shutdownSignals: [], logger: sdkLogger(log.child({ component: 'temporal-sdk' })) });
  const stops: Stop[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping Recoup (${signal}) ...`);
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((error: unknown) =>
        log.error({ err: error, component: name }, 'did not stop cleanly'),
      );
    }
    console.log('Recoup stopped; everything it started has exited.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await mkdir(config.dataDir, { recursive: true });
    const mailSinkUrl = await startLocalMail(config, stops);
    const databaseUrl = await startDatabase(config, stops, log);
    const migrations = await migrateDatabase(databaseUrl);
    log.info(
      { applied: migrations.applied, alreadyApplied: migrations.alreadyApplied.length },
      'database migrated',
    );
    const db = createDatabase(databaseUrl);
    stops.push({ name: 'database client', stop: () => db.$disconnect() });
    const temporal = await startTemporal(config, stops, log);

    const worker = await startWorker(config, {
      temporalAddress: temporal.address,
      db,
      mailSinkHost: `127.0.0.1:${config.mail.sinkPort}`,
    });
    const workerRun = worker.run();
    stops.push({ name: 'worker', stop: async () => (worker.shutdown(), workerRun) });

    const apiUrl = await startApi(config, db, temporal.address, stops, log);
    printBanner({
      api: apiUrl,
      docs: `${apiUrl}/docs`,
      temporalUi: temporal.uiUrl ?? '(external Temporal: see your cluster UI)',
      mail: mailSinkUrl ?? 'Postmark (POSTMARK_SERVER_TOKEN is set)',
      data: config.dataDir,
      seconds: (Date.now() - started) / 1000,
    });
    await workerRun;
  } catch (error) {
    log.error({ err: error }, 'Recoup could not start');
    await shutdown('start-up failure');
    process.exitCode = 1;
  }
}

async function startLocalMail(config: Config, stops: Stop[]): Promise<string | undefined> {
  if (config.mail.postmarkServerToken) return undefined;
  const sink = await startMailSink({
    port: config.mail.sinkPort,
    storeFile: path.join(config.dataDir, 'mail-sink.jsonl'),
  });
  stops.push({ name: 'mail sink', stop: () => sink.close() });
  return sink.url;
}

async function startDatabase(config: Config, stops: Stop[], log: pino.Logger): Promise<string> {
  if (config.database.url) return config.database.url;
  const embedded = await startEmbeddedDatabase({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.database.embeddedPort,
    log: log.child({ component: 'postgres' }),
  });
  stops.push({ name: 'embedded PostgreSQL', stop: () => embedded.stop() });
  return embedded.connectionString;
}

async function startTemporal(
  config: Config,
  stops: Stop[],
  log: pino.Logger,
): Promise<{ address: string; uiUrl?: string }> {
  if (config.temporal.address) return { address: config.temporal.address };
  const server = await startTemporalDevServer({
    dataDir: path.join(config.dataDir, 'temporal'),
    port: config.temporal.devServerPort,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    log: log.child({ component: 'temporal' }),
  });
  stops.push({ name: 'Temporal dev server', stop: () => server.stop() });
  return server;
}

async function startApi(
  config: Config,
  db: Database,
  temporalAddress: string,
  stops: Stop[],
  log: pino.Logger,
): Promise<string> {
  const temporal = await connectTemporalClient(config.temporal, temporalAddress);
  stops.push({ name: 'Temporal client', stop: () => temporal.connection.close() });
  const api = await startApiServer(
    { temporal, db, config, log: log.child({ component: 'api' }) },
    config.api.host,
    config.api.port,
  );
  stops.push({ name: 'API', stop: () => api.close() });
  return api.url;
}

/** The SDK's own logs (webpack, worker state changes) go to pino; below WARN they are noise for a person running npm start. */
function sdkLogger(log: pino.Logger): DefaultLogger {
  return new DefaultLogger('WARN', ({ level, message, meta }) => {
    const write = level === 'ERROR' ? log.error.bind(log) : log.warn.bind(log);
    write(meta ?? {}, message);
  });
}

function printBanner(where: Record<string, string | number>): void {
  console.log(
    [
      '',
      `Recoup is running (started in ${Number(where.seconds).toFixed(1)} s). Ctrl-C stops everything.`,
      `  API               ${where.api}`,
      `  API docs          ${where.docs}`,
      `  Temporal UI       ${where.temporalUi}`,
      `  Mail sink         ${where.mail}`,
      `  Data folder       ${where.data}`,
      '',
    ].join('\n'),
  );
}

void main();
