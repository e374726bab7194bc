import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../runtime/tool-paths';

const schemaPath = path.join(repoRoot, 'prisma', 'schema.prisma');
const stampPath = path.join(repoRoot, 'prisma', 'generated', '.schema-sha256');

/**
 * Generates the Prisma client when the schema changed since the last generation. `prisma generate` never
 * runs the schema engine, but looks for its binary; where it can't be downloaded any existing file will do.
 */
export function generatePrismaClient(report: (line: string) => void = console.log): void {
  const hash = createHash('sha256').update(readFileSync(schemaPath)).digest('hex');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === hash) {
    report('Prisma client: up to date');
    return;
  }
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  };
  const prismaCli = path.join(repoRoot, 'node_modules', 'prisma', 'build', 'index.js');
  execFileSync(process.execPath, [prismaCli, 'generate'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(stampPath, hash);
  report('Prisma client: generated');
}
