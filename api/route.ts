import type { z } from 'zod';
import type { ApiRole } from '../domain/roles';
import type { Caller } from './authentication';
import type { ProblemKind } from './problem-details';
import type { ApiServices } from './services';

/** Who may call a route: API keys with one of these roles, Postmark with basic auth, or anyone. */
export type Access = { roles: readonly ApiRole[] } | 'postmark' | 'public';

export type ApiTag = 'invoices' | 'staff actions' | 'tasks' | 'webhooks' | 'operations';

export interface RouteResponse {
  status: number;
  description: string;
  schema?: z.ZodType;
  /** application/json unless given. */
  contentType?: string;
  /** Names of headers the response carries, e.g. Location. */
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  /** Set on routes that take API keys. */
  caller: Caller | undefined;
}

export interface RouteDefinition<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post';
  /** Express syntax: /invoices/:invoiceId */
  path: string;
  operationId: string;
  tag: ApiTag;
  summary: string;
  description?: string;
  access: Access;
  params?: Params;
  query?: Query;
  body?: Body;
  responses: RouteResponse[];
  /** The errors this route documents beyond those every route can give. */
  problems: ProblemKind[];
  handle(
    input: RouteInput<z.output<Params>, z.output<Query>, z.output<Body>>,
    services: ApiServices,
  ): Promise<Reply>;
}

/** Keeps each route's handler typed by its own schemas while the app holds them in one list. */
export function defineRoute<Params extends z.ZodType, Query extends z.ZodType, Body extends z.ZodType>(
  route: RouteDefinition<Params, Query, Body>,
): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** The caller of a route that takes API keys (the role check has already let them through). */
export function callerOf(input: { caller: Caller | undefined }): Caller {
  if (!input.caller) throw new Error('callerOf used on a route without API-key access');
  return input.caller;
}
