import express, { type RequestHandler, type Router } from 'express';
import { requireBasicAuth, requireRole } from './authentication';
import {
  fieldErrorMessages,
  fieldErrorsFrom,
  Problem,
  validationProblem,
  type FieldError,
} from './problem-details';
import type { Reply, RouteDefinition } from './route';
import type { ApiServices } from './services';

/** Refuses a body that isn't JSON, rather than validating it as if it were empty. */
const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') === false) {
    throw new Problem(
      'unsupported-media-type',
      `The body is ${req.get('content-type')}; send JSON with Content-Type: application/json.`,
    );
  }
  next();
};

function accessGuard(route: RouteDefinition, { db, config }: ApiServices): RequestHandler[] {
  if (route.access === 'public') return [];
  if (route.access === 'postmark') {
    return [
      requireBasicAuth({ user: config.webhooks.postmarkUser, password: config.webhooks.postmarkPassword }),
    ];
  }
  return [requireRole(db, route.access.roles)];
}

/** Validates path, query and body together, so one answer names every bad field. */
function parseRequest(route: RouteDefinition, req: express.Request) {
  const errors: FieldError[] = [];
  const parse = (schema: RouteDefinition['params'], value: unknown, location: FieldError['in']) => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(value, { error: fieldErrorMessages });
    if (parsed.success) return parsed.data;
    errors.push(...fieldErrorsFrom(parsed.error, location));
    return undefined;
  };
  const params = parse(route.params, req.params, 'path');
  const query = parse(route.query, req.query, 'query');
  const body = parse(route.body, req.body ?? {}, 'body');
  if (errors.length > 0) throw validationProblem(errors);
  return { params, query, body };
}

function send(res: express.Response, reply: Reply): void {
  res.status(reply.status);
  if (reply.headers) res.set(reply.headers);
  if (reply.contentType && !reply.contentType.startsWith('application/json')) {
    res.type(reply.contentType).send(reply.body);
  } else {
    res.json(reply.body);
  }
}

/** Access check first (nothing is parsed for a caller who may not call), then the body, then validation. */
export function mountRoute(
  router: Router,
  route: RouteDefinition,
  services: ApiServices,
  bodyLimit: string,
): void {
  const bodyParsing = route.body ? [requireJson, express.json({ limit: bodyLimit })] : [];
  router[route.method](route.path, ...accessGuard(route, services), ...bodyParsing, async (req, res) => {
    const input = parseRequest(route, req);
    const reply = await route.handle({ ...input, caller: res.locals.caller }, services);
    send(res, reply);
  });
}
