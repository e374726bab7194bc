import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { migrateDatabase } from '../../prisma/migrator';
import { workflowsPath } from '../../worker/create-worker';
import { runContextVariable, type RunContext } from './run-context';
import { databaseUrl, startTestPostgres, withAdmin, type TestPostgresServer } from './test-postgres';

declare global {
  var recoupTestPostgres: TestPostgresServer | undefined;
  var recoupTestRun: RunContext | undefined;
}

/** Once per run: a migrated template database that every test file clones, and one workflow bundle. */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const server = await startTestPostgres(log);
  const databasePrefix = `recoup_test_${process.pid}_${Date.now().toString(36)}`;
  const templateDatabase = `${databasePrefix}_template`;
  await withAdmin(server.adminUrl, (admin) => admin.query(`CREATE DATABASE "${templateDatabase}"`));
  await migrateDatabase(databaseUrl(server.adminUrl, templateDatabase));

  const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  const workflowBundlePath = path.join(os.tmpdir(), `${databasePrefix}-workflows.js`);
  await writeFile(workflowBundlePath, bundle.code);

  const context: RunContext = {
    adminUrl: server.adminUrl,
    templateDatabase,
    workflowBundlePath,
    databasePrefix,
  };
  process.env[runContextVariable] = JSON.stringify(context);
  globalThis.recoupTestPostgres = server;
  globalThis.recoupTestRun = context;
}

const ignore = () => undefined;
const quietLogger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: console.error,
  log: ignore,
};
