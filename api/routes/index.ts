import type { RouteDefinition } from '../route';
import { invoiceActionRoutes } from './invoice-actions';
import { invoiceRoutes } from './invoices';
import { operationRoutes } from './operations';
import { taskRoutes } from './tasks';
import { webhookRoutes } from './webhooks';

/** Every route of the API; the app mounts these and the OpenAPI document describes exactly these. */
export const apiRoutes: RouteDefinition[] = [
  ...invoiceRoutes,
  ...invoiceActionRoutes,
  ...taskRoutes,
  ...webhookRoutes,
  ...operationRoutes,
];
