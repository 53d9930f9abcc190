// `npm test`: install, generate, build and run every package's tests against the local PostgreSQL
// and Redis. Each e2e file gets its own database and Redis prefix, so nothing existing is touched.
import { ROOT, checkServices, pnpm, runCapture, run, step } from './lib.mjs';

process.env.TURBO_TELEMETRY_DISABLED = '1';
const pm = pnpm();
await checkServices(process.env);
step('installing dependencies');
run(pm, ['install', '--frozen-lockfile']);
step('building and testing every package');
// Two cores on the reference machine: two packages at a time keeps e2e timings honest.
const { code, output } = await runCapture(pm, ['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', '--output-logs=full'], { cwd: ROOT });

// One summary line for all packages, in the plain "N passed, N failed" form CI reads.
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of output.split('\n')) {
  const m = /Tests:\s+(.*)\s+total/.exec(line);
  if (!m) continue;
  passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
  failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
  skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
}
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code !== 0 ? code : failed > 0 || passed === 0 ? 1 : 0);
