import type { Client } from '@temporalio/client';
import type { Database } from '../prisma/database';
import { Problem } from './problem-details';

const checkTimeoutMs = 2_000;

/** Answers when Temporal and PostgreSQL both respond; otherwise a 503 naming what failed. */
export async function checkReadiness(temporal: Client, db: Database): Promise<void> {
  const [temporalCheck, postgresCheck] = await Promise.allSettled([
    temporal.withDeadline(Date.now() + checkTimeoutMs, () => temporal.workflowService.getSystemInfo({})),
    withTimeout(db.$queryRaw`SELECT 1`, 'PostgreSQL'),
  ]);
  const checks = { temporal: describe(temporalCheck), postgres: describe(postgresCheck) };
  const failing = Object.entries(checks).filter(([, state]) => state !== 'ok');
  if (failing.length > 0) {
    throw new Problem(
      'service-unavailable',
      `Not ready: ${failing.map(([name, state]) => `${name} ${state}`).join('; ')}.`,
      { checks },
      { 'Retry-After': '5' },
    );
  }
}

function describe(result: PromiseSettledResult<unknown>): string {
  return result.status === 'fulfilled'
    ? 'ok'
    : `failed (${result.reason instanceof Error ? result.reason.message : String(result.reason)})`;
}

function withTimeout<T>(work: Promise<T>, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not answer within ${checkTimeoutMs} ms`)),
      checkTimeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
