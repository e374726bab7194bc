import { generatePrismaClient } from './generate-prisma-client';
import { setupTools } from './setup-tools';

/** Everything a fresh clone needs before it runs: Temporal binaries and the Prisma client. Quick when done. */
const started = Date.now();
setupTools();
generatePrismaClient();
console.log(`Setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
