import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { prebuiltBundlePath } from '../worker/run-worker';
import { workflowsPath } from '../worker/create-worker';

/** `npm run build`: bundles workflows/ once so production workers start without webpack. */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  await mkdir(path.dirname(prebuiltBundlePath), { recursive: true });
  await writeFile(prebuiltBundlePath, code);
  console.log(`Workflow bundle written to ${prebuiltBundlePath} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
