// Shared by `npm run up` and `npm test`: find (or fetch) the pinned pnpm, run steps with progress
// lines, check that PostgreSQL and Redis answer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PNPM_VERSION = '12.21.0';

export const step = (msg) => console.log(`\n▸ ${msg}`);

/** The pinned pnpm: a global one of the same major, else a private copy under .tools/ (no root rights needed). */
export function pnpm() {
  const global = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (global.status === 0 && global.stdout.trim().startsWith('12.')) return 'pnpm';
  const bin = join(ROOT, '.tools', 'node_modules', '.bin');
  const local = join(bin, 'pnpm');
  if (!existsSync(local)) {
    step(`installing pnpm ${PNPM_VERSION} into .tools/`);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', join(ROOT, '.tools'), `pnpm@${PNPM_VERSION}`]);
  }
  // turbo looks the package manager up on PATH: the private copy must be found there too.
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
  return local;
}

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
  if (result.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

/** Runs a command, echoing its output, and resolves with the output and exit code. */
export function runCapture(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, ...options, env: { ...process.env, ...options.env } });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        output += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export async function checkServices(env) {
  const pg = new URL(env.DATABASE_URL ?? env.TEST_DATABASE_URL ?? 'postgresql://127.0.0.1:5432');
  const redis = new URL(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const missing = [];
  if (!(await reachable(pg.hostname, Number(pg.port || 5432)))) missing.push(`PostgreSQL at ${pg.hostname}:${pg.port || 5432}`);
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) missing.push(`Redis at ${redis.hostname}:${redis.port || 6379}`);
  if (missing.length) {
    console.error(`✗ not reachable: ${missing.join(', ')}. Start them (or set DATABASE_URL / REDIS_URL) and run again.`);
    process.exit(1);
  }
}
