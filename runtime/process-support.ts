import net from 'node:net';
import type { Logger } from 'pino';

/** A pino logger, or a function that gets one line per notable event (debug detail is dropped). */
export type RuntimeLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'> | ((line: string) => void);

export interface StructuredLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function toStructuredLog(log: RuntimeLog): StructuredLog {
  if (typeof log !== 'function') return log;
  const lineAt = (level: string) => (fields: object, message: string) =>
    log(`${level === 'info' ? '' : `${level}: `}${message} ${JSON.stringify(fields)}`);
  return { debug: () => undefined, info: lineAt('info'), warn: lineAt('warn'), error: lineAt('error') };
}

/** True when the promise settles within `ms`; false when the time runs out first. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with `consequence` (what the caller can't do and how to fix it) when something already listens on the port. */
export function assertPortFree(port: number, host: string, consequence: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use, ${consequence}`)
          : error,
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
