import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../runtime/embedded-database';

/** Where the test run's PostgreSQL server is: an admin URL whose database part is replaced per database. */
export interface TestPostgresServer {
  adminUrl: string;
  stop(): Promise<void>;
}

const localServerUrl = 'postgresql://root@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * TEST_POSTGRES_URL when set, else the machine's PostgreSQL on 127.0.0.1:5432 when it answers,
 * else an embedded PostgreSQL in a temporary folder.
 */
export async function startTestPostgres(log: (line: string) => void): Promise<TestPostgresServer> {
  const configured = process.env.TEST_POSTGRES_URL;
  if (configured) return { adminUrl: configured, stop: async () => undefined };
  if (await reachable(localServerUrl)) {
    log(`tests use the local PostgreSQL at 127.0.0.1:5432`);
    return { adminUrl: localServerUrl, stop: async () => undefined };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'recoup-test-pg-'));
  const embedded = await startEmbeddedDatabase({ dataDir, port: await freePort(), log });
  log(`tests use an embedded PostgreSQL in ${dataDir}`);
  const adminUrl = embedded.connectionString.replace(/\/[^/?]+(\?|$)/, '/postgres$1');
  return { adminUrl, stop: embedded.stop };
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
