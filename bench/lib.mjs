// Helpers shared by the service benchmarks: start built services, sign a bench token, wait for ready.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROCESS_FLAGS } from '@modelyard/platform/process-flags';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret!';

export function adminToken() {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'bench', roles: ['admin'], iat: now, exp: now + 3600 })}`;
  return `${head}.${createHmac('sha256', JWT_SECRET).update(head).digest('base64url')}`;
}

export async function waitReady(url, child) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `node args` in `cwd` with the bench environment; resolves once /health/ready answers. A
 * service runs with the Node flags `pnpm start` gives it (PROCESS_FLAGS), as in production; the
 * bare peer (`peer-fastify.mjs`) with Node's defaults.
 */
export async function start(cwd, args, port, env = {}) {
  // BENCH_CPU_PROF=/tmp/prof: every service the bench starts writes a V8 CPU profile there on exit.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const flags = args.includes('peer-fastify.mjs') ? [] : PROCESS_FLAGS;
  const child = spawn('node', [...flags, ...profile, ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), JWT_SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child);
  return { url, child, stop: () => new Promise((r) => (child.kill('SIGTERM'), child.once('exit', r))) };
}

/** Seeded uniform [0, 1) (mulberry32): the benches' data is the same on every run. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal(mu, sd) samples by Box–Muller. */
export function normals(n, seed, mu = 0, sd = 1) {
  const rnd = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rnd()));
    const th = 2 * Math.PI * rnd();
    out[i] = mu + sd * r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = mu + sd * r * Math.sin(th);
  }
  return out;
}

/** Relative error of `a` against the expected `e` (0 when equal, also for 0 and infinities). */
export const relErr = (a, e) => (a === e ? 0 : Math.abs(a - e) / Math.abs(e));

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export function cpuSeconds(pid) {
  if (pid === undefined) return null;
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return null;
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
