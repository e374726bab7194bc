import { createHash, randomBytes } from 'node:crypto';
import type { ApiRole } from '../domain/roles';
import type { Database } from '../prisma/database';

/** Marks a string as a Recoup key, so a leaked one is easy to recognise in a scan. */
const secretPrefix = 'rcp_';

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiRole;
  /** Shown once; only its hash is stored. */
  secret: string;
}

export async function createApiKey(db: Database, name: string, role: ApiRole): Promise<CreatedApiKey> {
  const secret = `${secretPrefix}${randomBytes(32).toString('base64url')}`;
  const key = await db.apiKey.create({ data: { name, role, keyHash: hashApiKey(secret) } });
  return { id: key.id, name: key.name, role, secret };
}

/** Revokes every live key with this id or name; answers how many were revoked. */
export async function revokeApiKey(db: Database, idOrName: string): Promise<number> {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const { count } = await db.apiKey.updateMany({
    where: { ...(isId ? { id: idOrName } : { name: idOrName }), revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count;
}

export function listApiKeys(db: Database) {
  return db.apiKey.findMany({
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}
