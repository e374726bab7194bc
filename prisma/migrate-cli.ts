import { loadConfig } from '../runtime/config';
import { migrateDatabase } from './migrator';

/** `npm run migrate`: applies prisma/migrations to DATABASE_URL (what `prisma migrate deploy` does). */
async function main(): Promise<void> {
  const { database } = loadConfig();
  if (!database.url)
    throw new Error(
      'Set DATABASE_URL to the database to migrate (npm start migrates its embedded one itself).',
    );
  const report = await migrateDatabase(database.url);
  console.log(
    `Applied ${report.applied.length} migration(s): ${report.applied.join(', ') || 'none'}; ${report.alreadyApplied.length} already applied.`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
