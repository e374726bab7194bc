import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const wellFormedRequestId = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * One log line per request with its id (taken from X-Request-Id when the caller sends a sane one), method,
 * route, status and time. Headers and bodies are left out: they carry keys and customer records.
 */
export function requestLogging(log: Logger) {
  return pinoHttp({
    logger: log,
    genReqId(req, res) {
      const offered = req.headers['x-request-id'];
      const id = typeof offered === 'string' && wellFormedRequestId.test(offered) ? offered : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
}
