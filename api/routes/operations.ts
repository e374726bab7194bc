import { docsPage } from '../docs-page';
import { problemCatalogue, problemTypeUri } from '../problem-details';
import { checkReadiness } from '../readiness';
import { defineRoute } from '../route';
import { health, problemDescription, problemKindPath, readiness } from '../schemas/operations';

export const operationRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'operations',
    summary: 'Liveness',
    description: 'Answers while the process can serve requests; checks nothing else.',
    access: 'public',
    responses: [{ status: 200, description: 'Alive.', schema: health }],
    problems: [],
    async handle() {
      return { status: 200, body: { status: 'ok' } };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tag: 'operations',
    summary: 'Readiness',
    description: 'Checks that Temporal and PostgreSQL answer; 503 names the one that does not.',
    access: 'public',
    responses: [{ status: 200, description: 'Ready to serve.', schema: readiness }],
    problems: ['service-unavailable'],
    async handle(_input, { temporal, db }) {
      await checkReadiness(temporal, db);
      return { status: 200, body: { status: 'ready', checks: { temporal: 'ok', postgres: 'ok' } } };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    description:
      'Requests and latencies by route, workflow starts, updates and signals, and process metrics.',
    access: 'public',
    responses: [
      {
        status: 200,
        description: 'Prometheus text exposition format.',
        contentType: 'text/plain; version=0.0.4',
      },
    ],
    problems: [],
    async handle(_input, { metrics }) {
      return {
        status: 200,
        body: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    tag: 'operations',
    summary: 'This API as an OpenAPI 3.1 document',
    access: 'public',
    responses: [{ status: 200, description: 'The OpenAPI document.', contentType: 'application/json' }],
    problems: [],
    async handle(_input, { openApiDocument }) {
      return { status: 200, body: openApiDocument };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'documentation',
    tag: 'operations',
    summary: 'Interactive API documentation',
    description: 'Swagger UI over /openapi.json; "Authorize" with an API key to try requests.',
    access: 'public',
    responses: [{ status: 200, description: 'An HTML page.', contentType: 'text/html' }],
    problems: [],
    async handle() {
      const page = docsPage();
      return {
        status: 200,
        body: page.html,
        contentType: 'text/html; charset=utf-8',
        headers: { 'Content-Security-Policy': page.contentSecurityPolicy },
      };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/problems/:kind',
    operationId: 'problemType',
    tag: 'operations',
    summary: 'What a problem type means',
    description: 'Every error answer names its kind in `type`; this says what the kind means and what to do.',
    access: 'public',
    params: problemKindPath,
    responses: [{ status: 200, description: 'The problem type.', schema: problemDescription }],
    problems: ['not-found'],
    async handle({ params }) {
      const { status, title, advice } = problemCatalogue[params.kind];
      return { status: 200, body: { type: problemTypeUri(params.kind), title, status, advice } };
    },
  }),
];
