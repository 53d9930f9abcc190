import { fileURLToPath } from 'node:url';

// src/migrations/*.ts and dist/migrations/*.js sit at the same depth, so one relative URL serves
// both. Must match prisma.config.ts (schema, migrations.path).
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export const DEFAULT_MIGRATIONS_DIR = `${repoRoot}prisma/migrations`;
export const DEFAULT_SCHEMA_PATH = `${repoRoot}prisma/schema.prisma`;
