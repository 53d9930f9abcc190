// Read by the Prisma CLI (`prisma generate`). Migrations never go through the CLI here: its schema
// engine is a native binary downloaded on demand, which offline machines and air-gapped clusters
// cannot fetch. `deploy` / `migrate` (src/cli) drive the WebAssembly schema engine instead, with the
// same schema and migrations paths (src/migrations/paths.ts).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  datasource: {
    // generate needs no database; the fallback only has to be a well-formed URL.
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard',
  },
});
