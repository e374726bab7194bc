import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { apiRoles, type ApiRole } from '../domain/roles';
import type { Database } from '../prisma/database';
import { hashApiKey } from './api-keys';
import { Problem } from './problem-details';

export interface Caller {
  keyId: string;
  /** The key's name; commands record it on the timeline as who acted. */
  name: string;
  role: ApiRole;
}

const bearerChallenge = { 'WWW-Authenticate': 'Bearer realm="recoup"' };
const lastUsedPrecisionMs = 60_000;

export function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** Lets through callers whose API key is live and whose role is one of `roles`; sets res.locals.caller. */
export function requireRole(db: Database, roles: readonly ApiRole[]): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) {
      throw new Problem(
        'unauthenticated',
        'Send your API key as `Authorization: Bearer <key>`; an operator makes one with `npm run api-key -- create`.',
        {},
        bearerChallenge,
      );
    }
    const key = await db.apiKey.findUnique({ where: { keyHash: hashApiKey(token) } });
    if (!key || key.revokedAt || !isApiRole(key.role)) {
      throw new Problem(
        'unauthenticated',
        'This API key is unknown or revoked; ask an operator for a new one.',
        {},
        bearerChallenge,
      );
    }
    if (!roles.includes(key.role)) {
      throw new Problem(
        'forbidden',
        `A ${key.role} key may not do this; it needs a key with the role ${roles.join(' or ')}.`,
        { role: key.role, allowedRoles: roles },
      );
    }
    res.locals.caller = { keyId: key.id, name: key.name, role: key.role } satisfies Caller;
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > lastUsedPrecisionMs) {
      await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
    }
    next();
  };
}

function isApiRole(role: string): role is ApiRole {
  return (apiRoles as readonly string[]).includes(role);
}

export interface BasicCredentials {
  user: string;
  /** Unset: the webhook is switched off. */
  password?: string;
}

/** Postmark signs nothing, so its webhooks come with HTTP basic auth over HTTPS. */
export function requireBasicAuth(credentials: BasicCredentials): RequestHandler {
  return (req, _res, next) => {
    const { password } = credentials;
    if (!password) {
      throw new Problem(
        'service-unavailable',
        'Postmark webhooks are switched off: the operator must set POSTMARK_WEBHOOK_PASSWORD.',
        {},
        { 'Retry-After': '3600' },
      );
    }
    const match = /^Basic\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const given = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    if (!sameSecret(given, `${credentials.user}:${password}`)) {
      throw new Problem(
        'unauthenticated',
        "Send the webhook user and password configured in Postmark's webhook URL (basic auth).",
        {},
        { 'WWW-Authenticate': 'Basic realm="recoup-webhooks"' },
      );
    }
    next();
  };
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
