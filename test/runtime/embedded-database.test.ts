import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../runtime/embedded-database';

jest.setTimeout(60_000);

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function selectOne(connectionString: string): Promise<unknown> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query('select 1 as one, current_database() as database')).rows[0];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  let baseDir: string;
  let database: EmbeddedDatabase | undefined;

  beforeAll(() => {
    baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recoup-embedded-pg-'));
    // Run as root, PostgreSQL is the "postgres" user and must be able to enter the temp folder.
    fs.chmodSync(baseDir, 0o755);
  });
  afterEach(async () => {
    await database?.stop();
    database = undefined;
  });
  afterAll(() => fs.rmSync(baseDir, { recursive: true, force: true }));

  test('initialises a new data dir, serves queries, and restarts on the same dir without re-initialising', async () => {
    const dataDir = path.join(baseDir, 'pgdata');
    const port = await freePort();

    database = await startEmbeddedDatabase({ dataDir, port, log });
    expect(database.connectionString).toBe(`postgresql://postgres:recoup-local@127.0.0.1:${port}/recoup`);
    expect(await selectOne(database.connectionString)).toEqual({ one: 1, database: 'recoup' });
    const client = new Client({ connectionString: database.connectionString });
    await client.connect();
    await client.query('create table kept_across_restarts (note text)');
    await client.query("insert into kept_across_restarts values ('still here')");
    await client.end();
    await database.stop();
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    const versionFileWrittenAt = fs.statSync(path.join(dataDir, 'PG_VERSION')).mtimeMs;

    database = await startEmbeddedDatabase({ dataDir, port, log });
    const again = new Client({ connectionString: database.connectionString });
    await again.connect();
    const { rows } = await again.query('select note from kept_across_restarts');
    await again.end();
    expect(rows).toEqual([{ note: 'still here' }]);
    expect(fs.statSync(path.join(dataDir, 'PG_VERSION')).mtimeMs).toBe(versionFileWrittenAt);
  });

  test('starts over a postmaster.pid left by a postgres that is no longer running', async () => {
    const dataDir = path.join(baseDir, 'crashed');
    const port = await freePort();
    database = await startEmbeddedDatabase({ dataDir, port, log });
    await database.stop();
    // What a SIGKILLed postgres leaves: a pid file naming a process that is gone.
    fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `999999\n${dataDir}\n0\n${port}\n`);

    database = await startEmbeddedDatabase({ dataDir, port, log });

    expect(await selectOne(database.connectionString)).toEqual({ one: 1, database: 'recoup' });
  });

  test('says so when the port is already taken', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as net.AddressInfo;
    try {
      await expect(
        startEmbeddedDatabase({ dataDir: path.join(baseDir, 'unused'), port, log }),
      ).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  test('refuses a non-empty folder that is not a PostgreSQL data dir', async () => {
    const dataDir = path.join(baseDir, 'not-a-cluster');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'hello');

    await expect(startEmbeddedDatabase({ dataDir, port: await freePort(), log })).rejects.toThrow(
      'is not empty but holds no PostgreSQL cluster (no PG_VERSION file)',
    );
  });
});
