import { OpenApiGeneratorV31, OpenAPIRegistry, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { problemCatalogue, problemTypeUri, type ProblemKind } from './problem-details';
import type { RouteDefinition } from './route';
import { problem } from './schemas/operations';

const apiVersion = '1.0.0';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** Express's /invoices/:invoiceId as OpenAPI's /invoices/{invoiceId}. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Errors a route can give because of how it is reached, on top of those it documents itself. */
function problemsOf(route: RouteDefinition): ProblemKind[] {
  const kinds = new Set<ProblemKind>(route.problems);
  if (route.params || route.query || route.body) kinds.add('validation-failed');
  if (route.body)
    ['malformed-json', 'payload-too-large', 'unsupported-media-type'].forEach((kind) =>
      kinds.add(kind as ProblemKind),
    );
  if (route.access === 'postmark')
    ['unauthenticated', 'service-unavailable'].forEach((kind) => kinds.add(kind as ProblemKind));
  if (typeof route.access === 'object') {
    kinds.add('unauthenticated');
    kinds.add('forbidden');
  }
  kinds.add('rate-limited');
  kinds.add('internal-error');
  return [...kinds];
}

function problemResponses(kinds: ProblemKind[]): Record<string, ResponseConfig> {
  const byStatus = new Map<number, ProblemKind[]>();
  for (const kind of kinds) {
    const status = problemCatalogue[kind].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, sameStatus]) => [
      String(status),
      {
        description: sameStatus
          .map((kind) => `\`${problemTypeUri(kind)}\`: ${problemCatalogue[kind].title}.`)
          .join(' '),
        content: { 'application/problem+json': { schema: problem } },
      },
    ]),
  );
}

function accessDescription(route: RouteDefinition): string {
  if (route.access === 'public') return 'No credentials needed.';
  if (route.access === 'postmark') return 'HTTP basic auth with the webhook user and password.';
  return `Roles: ${route.access.roles.join(', ')}.`;
}

/** The OpenAPI document of these routes, generated from the same zod schemas that validate their requests. */
export function buildOpenApiDocument(routes: RouteDefinition[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key made with `npm run api-key -- create --name <who> --role <role>`.',
  });
  registry.registerComponent('securitySchemes', 'postmarkBasic', { type: 'http', scheme: 'basic' });

  for (const route of routes) {
    const success = Object.fromEntries(
      route.responses.map((response): [string, ResponseConfig] => [
        String(response.status),
        {
          description: response.description,
          ...(response.headers
            ? {
                headers: Object.fromEntries(
                  Object.entries(response.headers).map(([name, description]) => [
                    name,
                    { description, schema: { type: 'string' } },
                  ]),
                ),
              }
            : {}),
          content: {
            [response.contentType ?? 'application/json']: { schema: response.schema ?? { type: 'string' } },
          },
        },
      ]),
    );
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      description: [route.description, accessDescription(route)].filter(Boolean).join('\n\n'),
      security:
        typeof route.access === 'object'
          ? [{ apiKey: [] }]
          : route.access === 'postmark'
            ? [{ postmarkBasic: [] }]
            : [],
      ...(typeof route.access === 'object' ? { 'x-roles': route.access.roles } : {}),
      request: {
        ...(route.params ? { params: route.params as never } : {}),
        ...(route.query ? { query: route.query as never } : {}),
        ...(route.body
          ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
          : {}),
      },
      responses: { ...success, ...problemResponses(problemsOf(route)) },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Recoup API',
      version: apiVersion,
      description:
        'Collections for unpaid invoices: each invoice is a durable workflow that reminds, escalates and stops ' +
        'the moment a person records a payment, dispute, promise or plan. Every error is RFC 9457 problem+json.',
    },
    tags: [
      { name: 'invoices', description: 'Start, read, amend and cancel collection (billing systems).' },
      {
        name: 'staff actions',
        description: 'What bookkeepers, managers and the agency record against an invoice.',
      },
      { name: 'tasks', description: 'The staff inbox.' },
      { name: 'webhooks', description: 'Email delivery events from Postmark.' },
      { name: 'operations', description: 'Health, readiness, metrics and this documentation.' },
    ],
  });
}
