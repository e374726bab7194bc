import pino from 'pino';
import { createDatabase } from '../prisma/database';
import { loadConfig } from '../runtime/config';
import { connectTemporalClient } from '../runtime/temporal-connection';
import { startApiServer } from './server';

/** `npm run api`: the REST API alone, against TEMPORAL_ADDRESS and DATABASE_URL; run as many as needed. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'recoup-api' });
  if (!config.database.url) {
    throw new Error('DATABASE_URL is required for a standalone API (npm start runs everything locally).');
  }
  const temporalAddress = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const temporal = await connectTemporalClient(config.temporal, temporalAddress);
  const db = createDatabase(config.database.url);
  const api = await startApiServer({ temporal, db, config, log }, config.api.host, config.api.port);
  log.info({ url: api.url, docs: `${api.url}/docs`, temporalAddress }, 'API listening');

  const stop = async (signal: NodeJS.Signals) => {
    log.info({ signal }, 'API stopping: finishing requests in flight');
    await api.close();
    await Promise.all([db.$disconnect(), temporal.connection.close()]);
    log.info('API stopped');
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
