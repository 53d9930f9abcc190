// `pnpm bench:startup`: each service's start-up time (spawn → /health/ready 200) and idle memory
// (RSS after settling), beside a bare Fastify server measured in the same run.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@modelyard/db';
import { PROCESS_FLAGS } from '@modelyard/platform/process-flags';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 5;
const SETTLE_MS = 3000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';

const targets = [
  ...['registry', 'experiments', 'drift', 'learning']
    .filter((s) => existsSync(join(ROOT, 'apps', s, 'dist', 'main.js')))
    .map((s) => ({ name: s, cwd: join(ROOT, 'apps', s), args: ['dist/main.js'] })),
  // Every service in one process (MODELYARD_SERVICES unset: all six), ready once the console, the
  // last started, answers; its ports are the bench port and the five after it.
  ...(existsSync(join(ROOT, 'packages', 'all-in-one', 'dist', 'main.js'))
    ? [{ name: 'all-in-one (6 services)', cwd: join(ROOT, 'packages', 'all-in-one'), args: ['dist/main.js'], allInOne: true }]
    : []),
  // Node's defaults, as anyone would run it.
  { name: 'peer: bare fastify', cwd: join(ROOT, 'bench'), args: ['peer-fastify.mjs'], peer: true },
];
const ALL_IN_ONE_PORTS = ['CONSOLE', 'REGISTRY', 'EXPERIMENTS', 'DRIFT', 'LEARNING', 'SERVING'];

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function once(target, port) {
  const started = performance.now();
  // The services' Node flags are given as `npm run up` gives them (on Node ≥ 22.15 a service adds
  // them itself: platform/src/runtime/process-flags.ts).
  const child = spawn('node', [...(target.peer ? [] : PROCESS_FLAGS), ...target.args], {
    cwd: target.cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      ...(target.allInOne ? Object.fromEntries(ALL_IN_ONE_PORTS.map((s, k) => [`PORT_${s}`, String(port + k * 10)])) : {}),
      DATABASE_URL,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret!',
      LOG_LEVEL: 'warn',
    },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${target.name} exited with ${child.exitCode}`);
      // (the all-in-one process: its console, on `port`, starts last)
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const startupMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { startupMs, rss: rssMb(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await applyMigrations(DATABASE_URL);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`start-up and idle memory, median of ${RUNS} runs (node ${process.version}; services with ${PROCESS_FLAGS.join(' ')})`);
console.log(`load average at start: ${load()}\n`);
console.log('target                 start-up (ms)   idle RSS (MB)');
for (const [i, target] of targets.entries()) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await once(target, 3901 + i * 100));
  const ms = median(runs.map((x) => x.startupMs));
  const mb = median(runs.map((x) => x.rss));
  console.log(`${target.name.padEnd(22)} ${ms.toFixed(0).padStart(13)}   ${mb.toFixed(1).padStart(13)}`);
}
console.log(`\nload average at end: ${load()}`);
process.exit(0);
