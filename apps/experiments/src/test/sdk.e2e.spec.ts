import { tokenFor } from '@modelyard/platform/testing';
import { Modelyard, NetworkError, type ExperimentsClient, type LocalAssignment } from '@modelyard/sdk';
import { runCli, startFaultProxy, type FaultProxy } from '@modelyard/sdk/testing';
import type { AssignmentResponse } from '@modelyard/types';
import { experimentBody, modelWithVersions, startHarness, type Harness } from './harness.js';

let h: Harness;
let my: Modelyard;

/** Ids of many shapes, as real traffic has: numeric, emails, uuids-like, non-ASCII. */
function units(prefix: string, n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => [`${prefix}${i}`, `${prefix}-${i}@example.com`, `ключ-${prefix}-${i}`, `${prefix}😀${(i * 2654435761) >>> 0}`][i % 4]!,
  );
}

async function serverAssign(key: string, ids: string[]): Promise<AssignmentResponse[]> {
  const out: AssignmentResponse[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await my.experiments.assignMany(key, ids.slice(i, i + 1000))));
  return out;
}

/** The harness's body, typed for the SDK (its helper returns plain strings for enums). */
const body = (key: string, extra: Record<string, unknown> = {}) =>
  experimentBody(key, 'sdk-model', extra) as Parameters<ExperimentsClient['create']>[0];

const same = (local: LocalAssignment, server: AssignmentResponse) =>
  local.unit === server.unit &&
  local.variant === server.variant &&
  local.version === server.version &&
  local.inExperiment === server.inExperiment;

beforeAll(async () => {
  h = await startHarness();
  my = new Modelyard({ urls: { experiments: h.experiments.url, registry: h.registry.url }, token: tokenFor('admin') });
  await modelWithVersions(h.registry, 'sdk-model', 3);
});
afterAll(() => h.close());

describe('local assignment (SDK) against the service', () => {
  it.each([
    { key: 'sdk-three-arms', coverage: 0.7, weights: [0.2, 0.3, 0.5], seed: 'seed-ünï' },
    { key: 'sdk-uneven', coverage: 1, weights: [1, 3, 6], seed: undefined },
    { key: 'sdk-sliver', coverage: 0.05, weights: [0.5, 0.25, 0.25], seed: 'thin' },
  ])(
    'equals the server on every one of 3000 units ($key: coverage $coverage, weights $weights)',
    async ({ key, coverage, weights, seed }) => {
      const variants = weights.map((weight, i) => ({ key: `v${i}`, version: `1.0.${i}`, weight }));
      await my.experiments.create(body(key, { variants, control: 'v0', coverage, ...(seed ? { seed } : {}) }));
      await my.experiments.start(key);
      const assigner = await my.experiments.localAssigner(key, { logExposures: false }).start();
      const ids = units(key, 3000);
      const server = await serverAssign(key, ids);
      const local = ids.map((u) => assigner.peek(u));
      const mismatches = local.filter((l, i) => !same(l, server[i]!));
      expect(mismatches).toEqual([]);
      const inside = local.filter((l) => l.inExperiment).length;
      expect(inside / ids.length).toBeCloseTo(coverage, 1);
      // Every arm is reached (the comparison is not vacuous).
      if (coverage > 0.5) expect(new Set(local.map((l) => l.variant).filter(Boolean)).size).toBe(3);
      await assigner.close();
    },
  );

  it('refreshes with the ETag (304 while unchanged); after a weight change it equals the server for new units, while units assigned before stay sticky on the server only', async () => {
    const key = 'sdk-three-arms';
    const assigner = await my.experiments.localAssigner(key, { logExposures: false }).start();
    const revision = assigner.config.revision;
    expect(await assigner.refresh()).toBe(false);

    const old = units(key, 3000); // all assigned on the server by the test above
    const before = await serverAssign(key, old);
    await my.experiments.update(key, { weights: { v0: 0.6, v1: 0.2, v2: 0.2 }, coverage: 0.9 });
    await new Promise((r) => setTimeout(r, 1_100)); // past the service's own config cache
    expect(await assigner.refresh()).toBe(true);
    expect(assigner.config.revision).toBeGreaterThan(revision);

    const fresh = units('after-change', 3000);
    const server = await serverAssign(key, fresh);
    expect(fresh.map((u) => assigner.peek(u)).filter((l, i) => !same(l, server[i]!))).toEqual([]);

    // Documented behaviour: the server keeps earlier units where they were; the SDK, holding no
    // per-unit state, answers from the new config, so some of those differ.
    const sticky = await serverAssign(key, old);
    const wereIn = old.flatMap((u, i) => (before[i]!.inExperiment ? [i] : []));
    expect(wereIn.filter((i) => !sticky[i]!.sticky || sticky[i]!.variant !== before[i]!.variant)).toEqual([]);
    const moved = wereIn.filter((i) => assigner.peek(old[i]!).variant !== before[i]!.variant);
    expect(moved.length).toBeGreaterThan(100);
    await assigner.close();
  });

  it('assigns nobody while the experiment is not running, like the server', async () => {
    const key = 'sdk-uneven';
    await my.experiments.stop(key);
    const assigner = await my.experiments.localAssigner(key, { logExposures: false }).start();
    const ids = units('stopped', 200);
    const server = await serverAssign(key, ids);
    expect(ids.map((u) => assigner.peek(u)).filter((l, i) => !same(l, server[i]!))).toEqual([]);
    expect(server.every((s) => !s.inExperiment)).toBe(true);
    await assigner.close();
  });

  it('logs exposures asynchronously in batches: the server counts exactly the units assigned in', async () => {
    const key = 'sdk-exposed';
    await my.experiments.create(body(key, { coverage: 0.8 }));
    await my.experiments.start(key);
    const assigner = await my.experiments.localAssigner(key, { exposures: { maxBatchSize: 300, flushIntervalMs: 50 } }).start();
    const ids = units('exposed', 2000);
    let inside = 0;
    for (const u of ids) if ((await assigner.assign(u)).inExperiment) inside++;
    for (const u of ids.slice(0, 500)) await assigner.assign(u); // repeats are not sent again
    await assigner.close();
    expect(assigner.exposureLog!.stats).toMatchObject({ sent: inside, dropped: 0 });
    const results = await my.experiments.results(key);
    expect(results.variants.reduce((s, v) => s + v.units, 0)).toBe(inside);
  });

  const exposedUnits = async (key: string) => (await my.experiments.results(key)).variants.reduce((s, v) => s + v.units, 0);

  it('loses no exposure by default under a burst far larger than the log: assign() waits for room', async () => {
    const key = 'sdk-burst-block';
    await my.experiments.create(body(key, { coverage: 0.9 }));
    await my.experiments.start(key);
    const assigner = await my.experiments
      .localAssigner(key, { exposures: { maxBatchSize: 100, maxQueueSize: 200, flushIntervalMs: 20 } })
      .start();
    const ids = units('burst', 3000);
    // Concurrent callers, as a server handling many requests at once.
    const assigned = await Promise.all(ids.map((u) => assigner.assign(u)));
    const inside = assigned.filter((a) => a.inExperiment).length;
    await assigner.close();
    expect(inside).toBeGreaterThan(2000);
    expect(assigner.exposureLog!.stats).toMatchObject({ sent: inside, dropped: 0 });
    expect(await exposedUnits(key)).toBe(inside);
  });

  it("with exposures.onFull: 'drop', assign() never waits and the dropped count is exactly what the service missed", async () => {
    const key = 'sdk-burst-drop';
    await my.experiments.create(body(key, { coverage: 0.9 }));
    await my.experiments.start(key);
    const reports: unknown[] = [];
    const exposures = {
      maxBatchSize: 100,
      maxQueueSize: 200,
      flushIntervalMs: 20,
      onFull: 'drop' as const,
      onError: (e: unknown) => reports.push(e),
    };
    const assigner = await my.experiments.localAssigner(key, { exposures }).start();
    let inside = 0;
    for (const u of units('burst-drop', 3000)) if ((await assigner.assign(u)).inExperiment) inside++;
    await assigner.close();
    const received = await exposedUnits(key);
    expect(assigner.droppedExposures).toBeGreaterThan(0);
    expect(assigner.droppedExposures).toBe(inside - received);
    expect(assigner.exposureLog!.stats.sent).toBe(received);
    expect(reports.length).toBeGreaterThan(0);
  });
});

describe('batching ingestor against the events endpoint', () => {
  let proxy: FaultProxy;
  let through: Modelyard;
  beforeAll(async () => {
    proxy = await startFaultProxy(h.experiments.url);
    through = new Modelyard({ urls: { experiments: proxy.url }, token: tokenFor('admin'), retry: { baseDelayMs: 10 } });
    for (const key of ['sdk-revenue', 'sdk-revenue-naive']) {
      await my.experiments.create(body(key, { primaryMetric: { name: 'revenue', kind: 'continuous', direction: 'higher' } }));
      await my.experiments.start(key);
    }
  });
  afterAll(() => proxy.close());

  const meanRevenue = async (key: string) =>
    (await my.experiments.results(key)).variants.map((v) => ({ units: v.units, mean: v.metrics.revenue?.mean }));

  it('loses no event by default under a burst far larger than its queue', async () => {
    const key = 'sdk-burst-events';
    await my.experiments.create(body(key, { primaryMetric: { name: 'revenue', kind: 'continuous', direction: 'higher' } }));
    await my.experiments.start(key);
    const events = my.experiments.eventIngestor(key, { maxBatchSize: 100, maxQueueSize: 200, flushIntervalMs: 20 });
    const ids = units('burst-events', 3000);
    await Promise.all(ids.map((unit) => events.add({ unit, metric: 'revenue', value: 1 })));
    await events.close();
    expect(events.stats).toMatchObject({ sent: 3000, dropped: 0 });
    const variants = await meanRevenue(key);
    expect(variants.reduce((s, v) => s + v.units, 0)).toBe(3000);
  });

  it('counts retried batches once: responses lost after the service applied them are replayed by key', async () => {
    const events = through.experiments.eventIngestor('sdk-revenue', { maxBatchSize: 250, flushIntervalMs: 50 });
    // Two batches reach the service and are applied, but their answers never reach the client.
    proxy.inject(
      ['drop-after', 'drop-after', { status: 503, headers: { 'retry-after': '0' } }],
      (m, p) => m === 'POST' && p.endsWith('/sdk-revenue/events'),
    );
    const ids = units('revenue', 1000);
    for (const unit of ids) await events.add({ unit, metric: 'revenue', value: 2.5 });
    await events.close();
    expect(events.stats).toMatchObject({ sent: 1000, dropped: 0, batches: 4 });
    const posts = proxy.log.filter((r) => r.path.endsWith('/sdk-revenue/events'));
    expect(posts.length).toBe(7);
    expect(new Set(posts.map((p) => p.idempotencyKey)).size).toBe(4);
    const variants = await meanRevenue('sdk-revenue');
    expect(variants.reduce((s, v) => s + v.units, 0)).toBe(1000);
    for (const v of variants) expect(v.mean).toBeCloseTo(2.5, 10);
  });

  it('(control) the same lost answer without an Idempotency-Key: a resend counts twice', async () => {
    const ids = units('naive', 200);
    const batch = ids.map((unit) => ({ unit, metric: 'revenue', value: 2.5 }));
    proxy.inject(['drop-after'], (m, p) => m === 'POST' && p.endsWith('/sdk-revenue-naive/events'));
    await expect(through.experiments.events('sdk-revenue-naive', batch, { idempotencyKey: null })).rejects.toBeInstanceOf(NetworkError);
    await through.experiments.events('sdk-revenue-naive', batch, { idempotencyKey: null });
    for (const v of await meanRevenue('sdk-revenue-naive')) expect(v.mean).toBeCloseTo(5, 10);
  });
});

describe('modelyard experiments (the built CLI)', () => {
  const env = () => ({ MODELYARD_EXPERIMENTS_URL: h.experiments.url, MODELYARD_TOKEN: tokenFor('admin'), HOME: '/nonexistent' });

  it('lists, stops, starts and shows results; --json for scripts, tables for people', async () => {
    const list = await runCli(['experiments', 'list', '--model', 'sdk-model', '--status', 'running', '--json'], env());
    expect(list.code).toBe(0);
    expect(list.json.map((e: { key: string }) => e.key)).toEqual(expect.arrayContaining(['sdk-three-arms', 'sdk-exposed', 'sdk-revenue']));
    expect(list.json.every((e: { status: string }) => e.status === 'running')).toBe(true);

    const stop = await runCli(['experiments', 'stop', 'sdk-exposed'], env());
    expect(stop.stdout.trim()).toBe('sdk-exposed is stopped');
    const start = await runCli(['experiments', 'start', 'sdk-exposed', '--json'], env());
    expect(start.json).toMatchObject({ key: 'sdk-exposed', status: 'running' });

    const results = await runCli(['experiments', 'results', 'sdk-revenue', '--json'], env());
    expect(results.json.variants.reduce((s: number, v: { units: number }) => s + v.units, 0)).toBe(1000);
    const table = await runCli(['experiments', 'results', 'sdk-revenue'], env());
    expect(table.stdout).toMatch(/^sdk-revenue \(running\), units: control=\d+ treatment=\d+/);
    expect(table.stdout).toMatch(/^VARIANT\s+METRIC\s+LIFT\s+P-VALUE/m);
    expect(table.stdout).toMatch(/^treatment\s+revenue\s+/m);
    expect(table.stdout).toMatch(/^recommendation: /m);
  });

  it('exits non-zero with the problem code for an unknown experiment', async () => {
    const res = await runCli(['experiments', 'start', 'no-such-experiment'], env());
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: not_found 404: /);
  });
});
