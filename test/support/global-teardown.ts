import { rm } from 'node:fs/promises';
import { withAdmin } from './test-postgres';

/** Drops every database this run made and stops the embedded server, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const server = globalThis.recoupTestPostgres;
  const run = globalThis.recoupTestRun;
  if (server && run) {
    await withAdmin(server.adminUrl, async (admin) => {
      const { rows } = await admin.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${run.databasePrefix}%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
    await rm(run.workflowBundlePath, { force: true });
  }
  await server?.stop();
}
