import { randomBytes } from 'node:crypto';
import { createDatabase, type Database } from '../../prisma/database';
import { readRunContext } from './run-context';
import { databaseUrl, withAdmin } from './test-postgres';

export interface TestDatabase {
  url: string;
  db: Database;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test file, cloned from the run's template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const run = readRunContext();
  const name = `${run.databasePrefix}_${randomBytes(4).toString('hex')}`;
  await withAdmin(run.adminUrl, (admin) =>
    admin.query(`CREATE DATABASE "${name}" TEMPLATE "${run.templateDatabase}"`),
  );
  const url = databaseUrl(run.adminUrl, name);
  const db = createDatabase(url);
  return {
    url,
    db,
    close: async () => {
      await db.$disconnect();
      await withAdmin(run.adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
