import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  workflowStarts: Counter<'outcome'>;
  workflowMessages: Counter<'kind' | 'name' | 'outcome'>;
  /** Counts and times every request by its route pattern, never by its raw path (ids would explode the series). */
  recordRequests: RequestHandler;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'recoup_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'recoup_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const workflowStarts = new Counter({
    name: 'recoup_workflow_starts_total',
    help: 'POST /invoices outcomes: started a workflow, found the same invoice, or refused different data.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const workflowMessages = new Counter({
    name: 'recoup_workflow_messages_total',
    help: 'Updates and signals sent to invoice workflows, by command and outcome.',
    labelNames: ['kind', 'name', 'outcome'] as const,
    registers: [registry],
  });
  const recordRequests: RequestHandler = (req, res, next) => {
    const stopTimer = latency.startTimer();
    res.on('finish', () => {
      const labels = {
        method: req.method,
        route: req.route?.path ?? 'unmatched',
        status: String(res.statusCode),
      };
      requests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
  return { registry, workflowStarts, workflowMessages, recordRequests };
}
