import path from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { RecoupActivities } from '../activities';
import { taskQueue } from '../workflows/messages';

export const workflowsPath = path.join(__dirname, '..', 'workflows', 'index.ts');

export interface RecoupWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  activities: RecoupActivities;
  /** A prebuilt bundle (production and tests); without one the worker bundles workflows/ at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createRecoupWorker(options: RecoupWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue,
    activities: options.activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
  });
}
