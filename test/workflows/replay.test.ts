import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { installQuietRuntime } from '../support/collection-stack';
import { readRunContext } from '../support/run-context';

const historiesDir = path.join(__dirname, '..', 'histories');

describe('replay of recorded histories', () => {
  test('every committed history replays against the current workflow code without nondeterminism', async () => {
    installQuietRuntime();
    const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const workflowBundle = { code: await readFile(readRunContext().workflowBundlePath, 'utf8') };
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await readFile(path.join(historiesDir, file), 'utf8')));
      await expect(
        Worker.runReplayHistory({ workflowBundle, replayName: file }, history, `replay-${file}`),
      ).resolves.toBeUndefined();
    }
  });
});
