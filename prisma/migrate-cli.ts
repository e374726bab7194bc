import { loadConfig } from '../runtime/config';
import { databaseUrlOf } from '../runtime/database-url';
import { migrateDatabase } from './migrator';

/** `npm run migrate`: applies prisma/migrations to DATABASE_URL, or to npm start's embedded PostgreSQL (what `prisma migrate deploy` does). */
async function main(): Promise<void> {
  const report = await migrateDatabase(databaseUrlOf(loadConfig()));
  console.log(
    `Applied ${report.applied.length} migration(s): ${report.applied.join(', ') || 'none'}; ${report.alreadyApplied.length} already applied.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
