import type { Client } from '@temporalio/client';
import express from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Database } from '../prisma/database';
import type { Config } from '../runtime/config';
import { loadPolicyCatalogue, type PolicyCatalogue } from '../runtime/policy-catalogue';
import { hashApiKey } from './api-keys';
import { bearerToken } from './authentication';
import { swaggerUiAssets } from './docs-page';
import { createInvoiceProjection } from './invoice-projection';
import { createInvoiceWorkflows } from './invoice-workflows';
import { createMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { Problem } from './problem-details';
import { answerWithProblem, unknownRoute } from './problem-responses';
import { requestLogging } from './request-logging';
import { mountRoute } from './route-mounting';
import { apiRoutes } from './routes';
import type { ApiServices } from './services';

export type ApiLimits = Pick<Config['api'], 'requestsPerMinute' | 'bodyLimit' | 'answerTimeoutMs'>;

export interface AppDependencies {
  temporal: Client;
  db: Database;
  config: Config;
  log: Logger;
  limits?: Partial<ApiLimits>;
  /** Defaults to the default policy plus POLICY_FILE's. */
  policies?: PolicyCatalogue;
}

export function createApp({
  temporal,
  db,
  config,
  log,
  limits: given,
  policies = loadPolicyCatalogue(config.policyFile),
}: AppDependencies): express.Express {
  const limits: ApiLimits = { ...config.api, ...given };
  const metrics = createMetrics();
  const projection = createInvoiceProjection(db);
  const services: ApiServices = {
    temporal,
    db,
    config,
    policies,
    projection,
    metrics,
    invoices: createInvoiceWorkflows({
      temporal,
      policies,
      projection,
      metrics,
      answerTimeoutMs: limits.answerTimeoutMs,
    }),
    openApiDocument: buildOpenApiDocument(apiRoutes),
  };

  const app = express();
  app.use(requestLogging(log));
  app.use(metrics.recordRequests);
  app.use(helmet());
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: limits.requestsPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => {
        const token = bearerToken(req);
        return token ? `key:${hashApiKey(token)}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
      },
      handler: (_req, _res, next, options) => {
        const retryAfter = String(Math.ceil(options.windowMs / 1000));
        next(
          new Problem(
            'rate-limited',
            `More than ${limits.requestsPerMinute} requests in a minute; wait ${retryAfter} seconds.`,
            {},
            { 'Retry-After': retryAfter },
          ),
        );
      },
    }),
  );
  app.use('/docs/assets', express.static(swaggerUiAssets, { index: false, fallthrough: false }));
  for (const route of apiRoutes) mountRoute(app, route, services, limits.bodyLimit);
  app.use(unknownRoute);
  app.use(answerWithProblem);
  return app;
}
