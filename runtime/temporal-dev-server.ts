import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { assertPortFree, settlesWithin, toStructuredLog, type RuntimeLog } from './process-support';
import { requireTemporalCli } from './tool-paths';

export interface TemporalDevServerOptions {
  /** Path of the `temporal` CLI; defaults to the one tool-paths finds (env, PATH, then .tools/python). */
  cliPath?: string;
  /** Folder for temporal.sqlite, so workflows survive restarts. */
  dataDir: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  log: RuntimeLog;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service, for `Connection.connect({ address })` and TEMPORAL_ADDRESS. */
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

const host = '127.0.0.1';

/** Runs `temporal server start-dev` with a SQLite file under dataDir and resolves once its frontend answers. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const { dataDir, port = 7233, uiPort = 8233, namespace = 'default' } = options;
  const log = toStructuredLog(options.log);
  const cliPath = options.cliPath ?? requireTemporalCli();
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const address = `${host}:${port}`;
  const startedAt = performance.now();

  for (const [wanted, purpose] of [
    [port, 'frontend (gRPC)'],
    [uiPort, 'Web UI'],
  ] as const) {
    await assertPortFree(
      wanted,
      host,
      `wanted for the Temporal dev server's ${purpose}. Another Temporal server (an earlier \`temporal server start-dev\`?) ` +
        'or another program holds it: stop it, choose other ports, or point TEMPORAL_ADDRESS at the server that is already running.',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(path.resolve(dataDir), 'temporal.sqlite');
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    host,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    // The UI would otherwise fetch a newsfeed from the internet.
    '--ui-disable-news-fetch',
  ];
  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const recentOutput: string[] = [];
  let stopping = false;
  const follow = (stream: NodeJS.ReadableStream, level: 'debug' | 'warn') => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter((text) => text.trim() !== '')) {
        recentOutput.push(line);
        if (recentOutput.length > 40) recentOutput.shift();
        // Shutdown makes the server's internal workers complain about closed connections: not worth a warning.
        log[stopping ? 'debug' : level]({ component: 'temporal-dev-server' }, line);
      }
    });
  };
  follow(child.stdout, 'debug');
  follow(child.stderr, 'warn');

  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(signal ? `it was stopped by ${signal}` : `it exited with code ${code}`),
    );
    child.once('error', (error) =>
      resolve(`could not run ${cliPath} (${error.message}); run \`npm run setup\``),
    );
  });
  // 'close' comes after 'exit' once the stdio pipes are drained and the process handle is released.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    if (!hasExited) {
      child.kill('SIGTERM');
      if (!(await settlesWithin(exited, stopTimeoutMs))) {
        log.warn({ pid: child.pid, stopTimeoutMs }, 'Temporal dev server ignored SIGTERM; killing it');
        child.kill('SIGKILL');
        await exited;
      }
    }
    // A grandchild could keep the pipes open past the exit; don't let that hold this process's event loop.
    if (!(await settlesWithin(closed, 1_000))) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
  };

  try {
    await Promise.race([
      waitUntilServing(address, namespace, startTimeoutMs, () => hasExited),
      exited.then((reason) => {
        throw new Error(reason);
      }),
    ]);
  } catch (error) {
    await stop();
    throw new Error(
      `Temporal dev server did not start on ${address}: ${(error as Error).message}\n` +
        `Command: ${cliPath} ${args.join(' ')}\n` +
        `Its last output:\n${recentOutput.slice(-20).join('\n') || '(none)'}`,
    );
  }

  void exited.then((reason) => {
    if (!stopping)
      log.error({ reason, lastOutput: recentOutput.slice(-10) }, 'Temporal dev server stopped unexpectedly');
  });
  log.info(
    {
      address,
      uiUrl: `http://${host}:${uiPort}`,
      dbFile,
      elapsedMs: Math.round(performance.now() - startedAt),
    },
    'Temporal dev server ready',
  );
  let stopped: Promise<void> | undefined;
  return { address, uiUrl: `http://${host}:${uiPort}`, stop: () => (stopped ??= stop()) };
}

async function waitUntilServing(
  address: string,
  namespace: string,
  timeoutMs: number,
  serverExited: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && !serverExited()) {
    const connection = Connection.lazy({
      address,
      connectTimeout: Math.min(2_000, Math.max(deadline - Date.now(), 1)),
    });
    try {
      await connection.ensureConnected();
      // The frontend can answer before the namespace is registered; workers need the namespace.
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
    } finally {
      await connection.close();
    }
    await delay(200);
  }
  throw new Error(
    `not serving namespace "${namespace}" after ${timeoutMs / 1000} s (last error: ${(lastError as Error)?.message})`,
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
