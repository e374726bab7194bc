import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPostmarkTransport } from '../activities/mail-transport';
import type { Database } from '../prisma/database';
import type { Config } from '../runtime/config';
import { connectWorkerConnection } from '../runtime/temporal-connection';
import { repoRoot } from '../runtime/tool-paths';
import { createRecoupWorker } from './create-worker';

/** Built by `npm run build`; when present the worker skips bundling workflow code at start-up. */
export const prebuiltBundlePath = path.join(repoRoot, 'dist', 'workflow-bundle.js');

export interface WorkerPlacement {
  temporalAddress: string;
  db: Database;
  /** host:port of the local mail sink, used when no Postmark token is configured. */
  mailSinkHost: string;
}

export async function startWorker(config: Config, placement: WorkerPlacement): Promise<Worker> {
  const token = config.mail.postmarkServerToken;
  const mail = createPostmarkTransport({
    serverToken: token ?? 'local-mail-sink',
    messageStream: config.mail.messageStream,
    ...(token ? {} : { requestHost: placement.mailSinkHost }),
  });
  const activities = createActivities({
    db: placement.db,
    mail,
    mailFrom: config.mail.from,
    sender: config.sender,
    agencyHandoffUrl: config.agency.handoffUrl,
  });
  const connection = await connectWorkerConnection(config.temporal, placement.temporalAddress);
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH ?? prebuiltBundlePath;
  const workflowBundle = existsSync(bundlePath) ? { code: readFileSync(bundlePath, 'utf8') } : undefined;
  return createRecoupWorker({ connection, namespace: config.temporal.namespace, activities, workflowBundle });
}
