/** What global setup prepared for this run, handed to test files through the environment. */
export interface RunContext {
  adminUrl: string;
  templateDatabase: string;
  workflowBundlePath: string;
  databasePrefix: string;
}

export const runContextVariable = 'RECOUP_TEST_RUN_CONTEXT';

export function readRunContext(): RunContext {
  const raw = process.env[runContextVariable];
  if (!raw)
    throw new Error('No test run context: run the tests with `npm test` (Jest global setup prepares it).');
  return JSON.parse(raw) as RunContext;
}
