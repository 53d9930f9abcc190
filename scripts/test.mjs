// `npm test`: install, then the code-quality gates in order (typecheck, lint, formatting), then build and run every
// package's tests against the local PostgreSQL and Redis. Each e2e file gets its own database and Redis prefix, so
// nothing existing is touched. A failed gate does not stop the others or the tests (one run reports every problem),
// but it fails the command, named in the summary just above the closing "Tests:" line.
// Last, the cluster profile runs the e2e suites that lean on Redis the most against a real Redis Cluster (cluster-profile.mjs);
// its tests count in the same summary.
import { performance } from 'node:perf_hooks';
import { CLUSTER_SUITES, runClusterProfile } from './cluster-profile.mjs';
import { ROOT, checkServices, pnpm, runCapture, run, step } from './lib.mjs';

process.env.TURBO_TELEMETRY_DISABLED = '1';
const pm = pnpm();
await checkServices(process.env);
step('installing dependencies');
run(pm, ['install', '--frozen-lockfile']);

// Typecheck and lint read the workspace packages' sources (no build needed), each as one program over the whole
// monorepo; only Prisma's generated client is made first (a cached turbo task, inside both scripts).
const GATES = [
  { name: 'typecheck', script: 'typecheck', what: 'tsc over every package (root tsconfig.json)' },
  { name: 'lint', script: 'lint', what: 'eslint, type-aware rules, --max-warnings 0' },
  { name: 'format', script: 'format:check', what: 'prettier --check; `pnpm format` rewrites the files' },
];

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(0)} s`;
const results = [];
for (const gate of GATES) {
  step(`${gate.name}: pnpm run ${gate.script} (${gate.what})`);
  const started = performance.now();
  const { code } = await runCapture(pm, ['run', gate.script], { cwd: ROOT });
  results.push({ ...gate, ok: code === 0, took: seconds(started) });
  console.log(`${code === 0 ? '✓' : '✗'} ${gate.name} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds(started)}`);
}

step('building and testing every package');
const testsStarted = performance.now();
// Two cores on the reference machine: two packages at a time keeps e2e timings honest.
const single = await runCapture(pm, ['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', '--output-logs=full'], {
  cwd: ROOT,
});

// The same services against a Redis Cluster (scripts/cluster-profile.mjs): the suites that lean on Redis the most.
step(`cluster profile: ${CLUSTER_SUITES.map((s) => s.dir).join(', ')} against a three-master Redis Cluster`);
const clusterStarted = performance.now();
const cluster = await runClusterProfile().catch((err) => ({ code: 1, output: `✗ cluster profile: ${err.message}` }));
console.log(`cluster profile ${cluster.code === 0 ? 'passed' : 'FAILED'} in ${seconds(clusterStarted)}`);
const code = single.code || cluster.code;
const output = `${single.output}\n${cluster.output}`;

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

// Gate verdicts just above the closing "Tests:" line, which stays last for CI to read.
const gates = results.map((r) => `${r.name} ${r.ok ? 'passed' : 'FAILED'} (${r.took})`).join(', ');
console.log(`\nGates: ${gates}; tests ${seconds(testsStarted)}`);
const failedGates = results.filter((r) => !r.ok);
for (const r of failedGates) console.log(`✗ gate failed: ${r.name}: ${r.what}`);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
const testsFailed = code !== 0 || failed > 0 || passed === 0;
process.exit(testsFailed ? code || 1 : failedGates.length ? 1 : 0);
