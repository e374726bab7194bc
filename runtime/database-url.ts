import type { Config } from './config';
import { embeddedDatabaseUrl } from './embedded-database';

/** DATABASE_URL when set, else the embedded PostgreSQL that `npm start` runs (it must be running). */
export function databaseUrlOf(config: Config): string {
  return config.database.url ?? embeddedDatabaseUrl(config.database.embeddedPort);
}
