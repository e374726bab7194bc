import pino from 'pino';
import { createDatabase } from '../prisma/database';
import { loadConfig } from '../runtime/config';
import { startWorker } from './run-worker';

/** `npm run worker`: one worker process against TEMPORAL_ADDRESS and DATABASE_URL; run as many as needed. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'recoup-worker' });
  if (!config.database.url)
    throw new Error('DATABASE_URL is required for a standalone worker (npm start runs everything locally).');
  const temporalAddress = config.temporal.address ?? `127.0.0.1:${config.temporal.devServerPort}`;
  const db = createDatabase(config.database.url);
  const worker = await startWorker(config, {
    temporalAddress,
    db,
    mailSinkHost: `${config.mail.sinkHost}:${config.mail.sinkPort}`,
  });
  log.info(
    {
      temporalAddress,
      namespace: config.temporal.namespace,
      mail: config.mail.postmarkServerToken ? 'postmark' : 'local sink',
    },
    'worker polling task queue invoice-collection',
  );
  await worker.run();
  await db.$disconnect();
  log.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
