import { parseArgs } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey } from '../api/api-keys';
import { apiRoles, type ApiRole } from '../domain/roles';
import { createDatabase } from '../prisma/database';
import { loadConfig } from '../runtime/config';
import { databaseUrlOf } from '../runtime/database-url';

const usage = `Usage:
  npm run api-key -- create --name <who> --role <${apiRoles.join('|')}>   prints the secret once
  npm run api-key -- revoke <id or name>
  npm run api-key -- list`;

/** `npm run api-key`: API keys for the REST API, in DATABASE_URL's database or npm start's embedded one. Only each key's SHA-256 hash is stored. */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' } },
  });
  const [command, target] = positionals;
  const db = createDatabase(databaseUrlOf(loadConfig()));
  try {
    switch (command) {
      case 'create': {
        const { name, role } = values;
        if (!name) throw new Error(`create needs --name, e.g. --name erp-production.\n${usage}`);
        if (!isApiRole(role))
          throw new Error(`--role must be one of ${apiRoles.join(', ')}; got ${role ?? 'nothing'}.`);
        const key = await createApiKey(db, name, role);
        console.log(
          `Created key ${key.id} for ${key.name} (${key.role}). The secret is shown only now:\n\n  ${key.secret}\n`,
        );
        console.log('Send it as: Authorization: Bearer <secret>');
        return;
      }
      case 'revoke': {
        if (!target) throw new Error(`revoke needs a key id or name.\n${usage}`);
        const revoked = await revokeApiKey(db, target);
        if (revoked === 0)
          throw new Error(
            `No live key has the id or name "${target}"; \`npm run api-key -- list\` shows them.`,
          );
        console.log(`Revoked ${revoked} key${revoked === 1 ? '' : 's'} named or numbered "${target}".`);
        return;
      }
      case 'list': {
        const keys = await listApiKeys(db);
        console.table(
          keys.map((key) => ({
            id: key.id,
            name: key.name,
            role: key.role,
            created: key.createdAt.toISOString(),
            lastUsed: key.lastUsedAt?.toISOString() ?? '-',
            revoked: key.revokedAt?.toISOString() ?? '-',
          })),
        );
        return;
      }
      default:
        throw new Error(usage);
    }
  } finally {
    await db.$disconnect();
  }
}

function isApiRole(role: string | undefined): role is ApiRole {
  return (apiRoles as readonly (string | undefined)[]).includes(role);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
