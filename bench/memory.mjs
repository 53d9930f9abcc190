// `pnpm bench:memory`: where a service's idle memory goes. Loads the registry's stack step by step in
// a fresh Node process (resolved from apps/registry, as the service resolves it) and prints the RSS
// after each step, then a started registry's heap and RSS after a full GC. Median of 3 runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCESS_FLAGS } from '@modelyard/platform/process-flags';
import { ROOT } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';
const RUNS = 3;

// Runs inside apps/registry; prints one JSON line of [step, rss MB] pairs. With TUNED=1 it applies
// the services' V8 flags first, as runService does (the process flags are given on its command line).
const PROBE = `
const mb = () => process.memoryUsage().rss / 1048576;
if (process.env.TUNED === '1') (await import('../../packages/platform/dist/runtime/runtime-flags.js')).applyRuntimeFlags();
const steps = [['node itself', mb()]];
await import('reflect-metadata'); await import('@nestjs/core'); await import('@nestjs/platform-fastify');
steps.push(['+ NestJS and Fastify', mb()]);
const db = await import('@modelyard/db');
steps.push(['+ Prisma client (imported)', mb()]);
const client = db.createPrismaClient(process.env.DATABASE_URL);
await client.registeredModel.findMany({ take: 1 });
steps.push(['+ Prisma query compiler running a query', mb()]);
await import('@modelyard/platform');
steps.push(['+ the platform package (prom-client, BullMQ, ioredis, pino, zod, terminus…)', mb()]);
await import('./dist/app.module.js');
steps.push(["+ the registry's own modules (MLflow routes…; the S3 SDK only with that backend)", mb()]);
globalThis.gc();
steps.push(['after a full GC', mb()]);
const u = process.memoryUsage();
steps.push(['(of which V8 heap used)', u.heapUsed / 1048576]);
console.log(JSON.stringify(steps));
await client.$disconnect();
process.exit(0);
`;

function probe(tuned) {
  const out = execFileSync('node', [...(tuned ? PROCESS_FLAGS : []), '--expose-gc', '--input-type=module', '-e', PROBE], {
    cwd: join(ROOT, 'apps', 'registry'),
    env: { ...process.env, DATABASE_URL, TUNED: tuned ? '1' : '0' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`RSS after each step, median of ${RUNS} runs (node ${process.version}; load average ${load()})`);
for (const tuned of [false, true]) {
  const runs = Array.from({ length: RUNS }, () => probe(tuned));
  console.log(`\n${tuned ? "with the services' flags (platform/src/runtime)" : "Node's defaults"}\n`);
  console.log('step'.padEnd(80), 'RSS (MB)   +MB');
  let before = 0;
  for (const [i, [step]] of runs[0].entries()) {
    const value = median(runs.map((run) => run[i][1]));
    const delta = i === 0 || step.startsWith('(') || step.startsWith('after') ? '' : `+${(value - before).toFixed(0)}`;
    console.log(step.padEnd(80), value.toFixed(0).padStart(8), delta.padStart(6));
    if (!step.startsWith('(')) before = value;
  }
}
