import type { Client } from '@temporalio/client';
import type { Database } from '../prisma/database';
import type { Config } from '../runtime/config';
import type { PolicyCatalogue } from '../runtime/policy-catalogue';
import type { InvoiceProjection } from './invoice-projection';
import type { InvoiceWorkflows } from './invoice-workflows';
import type { ApiMetrics } from './metrics';

/** What route handlers work with; built once per app from the dependencies createApp receives. */
export interface ApiServices {
  temporal: Client;
  db: Database;
  config: Config;
  policies: PolicyCatalogue;
  invoices: InvoiceWorkflows;
  projection: InvoiceProjection;
  metrics: ApiMetrics;
  openApiDocument: object;
}
