import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MASTERS = 3;
/** Where a running test cluster is recorded, so later runs (and other test files) reuse it. */
const STATE_FILE = join(tmpdir(), 'modelyard-test-redis-cluster.json');

interface State {
  ports: number[];
  dir: string;
}

export interface TestRedisCluster {
  /** REDIS_CLUSTER_NODES for it: `127.0.0.1:a,127.0.0.1:b,127.0.0.1:c`. */
  nodes: string;
  ports: number[];
  /** Whether this call started it (then `stop` shuts it down; a reused cluster is left running). */
  started: boolean;
  stop(): Promise<void>;
}

const nodesOf = (ports: number[]) => ports.map((p) => `127.0.0.1:${p}`).join(',');

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** Every node answers, sees all masters and all 16384 slots served. */
async function healthy(ports: number[]): Promise<boolean> {
  try {
    for (const port of ports) {
      const info = await cli(port, 'cluster', 'info');
      const ok = info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384');
      if (!ok || !new RegExp(`cluster_known_nodes:${ports.length}\\b`).test(info)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Free ports whose cluster bus ports (port + 10000) are free too. */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = 20_000 + Math.floor(Math.random() * 20_000); ports.length < n; port++) {
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

async function reusable(): Promise<State | null> {
  if (!existsSync(STATE_FILE)) return null;
  const state = JSON.parse(await readFile(STATE_FILE, 'utf8')) as State;
  return (await healthy(state.ports)) ? state : null;
}

async function waitHealthy(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(ports))) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster on ${nodesOf(ports)} not ok after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function shutdown(state: State): Promise<void> {
  await Promise.all(state.ports.map((port) => cli(port, 'shutdown', 'nosave').catch(() => undefined)));
  await rm(state.dir, { recursive: true, force: true });
  await unlink(STATE_FILE).catch(() => undefined);
}

/**
 * A real Redis Cluster of three masters on loopback ports, for the cluster profile of the tests
 * and for `pnpm demo` against a cluster: reused when one recorded by an earlier call is healthy,
 * else started (redis-server --cluster-enabled, joined with redis-cli --cluster create) and
 * awaited until every node reports cluster_state:ok.
 */
export async function ensureRedisCluster(timeoutMs = 30_000): Promise<TestRedisCluster> {
  const found = await reusable();
  if (found) return { nodes: nodesOf(found.ports), ports: found.ports, started: false, stop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'modelyard-redis-cluster-'));
  const state: State = { ports: await freePorts(MASTERS), dir };
  try {
    for (const port of state.ports) {
      await run('redis-server', [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'yes'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
        ...['--save', '', '--appendonly', 'no', '--logfile', join(dir, `redis-${port}.log`), '--pidfile', join(dir, `redis-${port}.pid`)],
      ]);
    }
    await waitForPing(state.ports, timeoutMs);
    const members = state.ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...members, '--cluster-replicas', '0', '--cluster-yes'], { timeout: timeoutMs });
    await waitHealthy(state.ports, timeoutMs);
    await writeFile(STATE_FILE, JSON.stringify(state));
  } catch (err) {
    await shutdown(state);
    throw err;
  }
  return { nodes: nodesOf(state.ports), ports: state.ports, started: true, stop: () => shutdown(state) };
}

async function waitForPing(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while ((await cli(port, 'ping').catch(() => '')).trim() !== 'PONG') {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Shuts down the recorded test cluster, if one runs. */
export async function stopRedisCluster(): Promise<void> {
  const found = existsSync(STATE_FILE) ? (JSON.parse(await readFile(STATE_FILE, 'utf8')) as State) : null;
  if (found) await shutdown(found);
}
