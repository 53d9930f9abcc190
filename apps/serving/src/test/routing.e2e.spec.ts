import { treeEnsembleClassifierOnnx } from '@modelyard/learners/testing';
import type { TestApp } from '@modelyard/platform/testing';
import { tokenFor } from '@modelyard/platform/testing';
import { Modelyard, type ExperimentsClient, type LocalAssigner } from '@modelyard/sdk';
import { startFaultProxy } from '@modelyard/sdk/testing';
import type { AssignmentResponse } from '@modelyard/types';
import { KIT_SCHEMA, eventually, metric, productionVersion, stagedVersion, uniqueName, untilServing } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { RoutingMetrics } from '../experiments/routing.metrics.js';

/**
 * Experiment routing against a real registry and a real experiments service: serving's variant for
 * a unit must be the service's assignment, for thousands of units, before and after a weight change.
 */
let h: Harness;
let my: Modelyard;
let experiments: TestApp;
const model = uniqueName('routed');
const plain = uniqueName('plain');
let versions: string[];
let plainVersion: string;
const KEY = `route-${model}`;
const FAST = { SERVING_EXPERIMENTS_POLL_SECONDS: '0.2' };

beforeAll(async () => {
  h = await startHarness(FAST, {}, { experiments: true });
  experiments = h.experiments!;
  my = new Modelyard({ urls: { experiments: experiments.url, registry: h.registry.url }, token: tokenFor('admin') });
  const artifact = { bytes: treeEnsembleClassifierOnnx(), inputSchema: KIT_SCHEMA };
  versions = [await productionVersion(h.registry, model, artifact)];
  for (let i = 0; i < 2; i++) versions.push(await stagedVersion(h.registry, model, artifact));
  plainVersion = await productionVersion(h.registry, plain, artifact);
  await untilServing(h.serving, model, versions[0]!);
});
afterAll(() => h.close());

/** Ids of many shapes, as real traffic has (the experiments service's SDK test uses the same). */
function units(prefix: string, n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => [`${prefix}${i}`, `${prefix}-${i}@example.com`, `ключ-${prefix}-${i}`, `${prefix}😀${(i * 2654435761) >>> 0}`][i % 4]!,
  );
}

interface Served {
  version: string;
  variant: string | null;
  experiment: string | null;
}

/** Runs `fn` over `items` with `n` calls at a time, keeping the order of the answers. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

async function predict(app: TestApp, unit: string, name = model, extra: Record<string, unknown> = {}): Promise<Served> {
  const res = await app.request('POST', `/v1/models/${name}/predict`, { body: { instances: [[1, 0.5]], unit, ...extra } });
  if (res.status !== 200) throw new Error(`predict for ${unit}: ${res.status} ${res.text}`);
  return { version: res.body.version, variant: res.body.variant ?? null, experiment: res.body.experiment ?? null };
}

const serve = (app: TestApp, ids: string[]) => pool(ids, 16, (u) => predict(app, u));

async function serverAssign(key: string, ids: string[]): Promise<AssignmentResponse[]> {
  const out: AssignmentResponse[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...(await my.experiments.assignMany(key, ids.slice(i, i + 1000))));
  return out;
}

/** Half the units asked of the experiments service first and half of serving first: both orders must agree. */
async function bothOrders(app: TestApp, key: string, ids: string[]) {
  const half = Math.floor(ids.length / 2);
  const serverFirst = await serverAssign(key, ids.slice(0, half));
  const served = await serve(app, ids);
  const servingFirst = await serverAssign(key, ids.slice(half));
  return { served, server: [...serverFirst, ...servingFirst] };
}

/** The units where serving and the service disagree: variant, or version (production when outside). */
function mismatches(ids: string[], served: Served[], server: AssignmentResponse[]) {
  return ids.flatMap((unit, i) => {
    const s = served[i]!;
    const a = server[i]!;
    const version = a.inExperiment ? a.version : versions[0];
    const ok = s.variant === a.variant && s.version === version && s.experiment === (a.inExperiment ? KEY : null);
    return ok ? [] : [{ unit, served: s, server: a }];
  });
}

const untilRouting = (app: TestApp, routing: Record<string, boolean>) =>
  eventually(async () => {
    const res = await app.request('GET', `/v1/models/${model}`);
    const listed = new Map((res.body.experiments ?? []).map((e: { key: string; routing: boolean }) => [e.key, e.routing]));
    const same = listed.size === Object.keys(routing).length && Object.entries(routing).every(([k, r]) => listed.get(k) === r);
    return same ? res.body : undefined;
  });

/** Another experiment on the model, a/b on the two staged versions, started. */
async function startSecondExperiment(key: string): Promise<void> {
  await my.experiments.create({
    key,
    model,
    variants: [
      { key: 'a', version: versions[1]!, weight: 1 },
      { key: 'b', version: versions[2]!, weight: 1 },
    ],
    control: 'a',
    primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
  } as Parameters<ExperimentsClient['create']>[0]);
  await my.experiments.start(key);
}

/** Units counted as exposed by the experiments service, per variant. */
async function exposed(key: string): Promise<Map<string, number>> {
  return new Map((await my.experiments.results(key)).variants.map((v) => [v.key, v.units]));
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Each unit's variant over all the answers (a unit is served one variant only). */
const insideUnits = new Map<string, string>();
function remember(ids: string[], served: Served[]) {
  ids.forEach((u, i) => {
    const v = served[i]!.variant;
    if (v) insideUnits.set(u, v);
  });
}

describe('experiment routing', () => {
  let assigner: LocalAssigner;
  const before = units('early', 3000);
  let servedBefore: Served[];

  it("routes 3000 units to exactly the experiments service's variant (asked there first or here first), answering with its version", async () => {
    const body = {
      key: KEY,
      model,
      variants: versions.map((version, i) => ({ key: ['control', 'treatment', 'third'][i]!, version, weight: [0.2, 0.3, 0.5][i]! })),
      control: 'control',
      coverage: 0.8,
      primaryMetric: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    } as Parameters<ExperimentsClient['create']>[0];
    await my.experiments.create(body);
    // Not routed before it runs: production, no variant.
    expect(await predict(h.serving, 'early-bird')).toEqual({ version: versions[0], variant: null, experiment: null });
    await my.experiments.start(KEY);
    const listed = await untilRouting(h.serving, { [KEY]: true });
    // Every variant's version is loaded and listed with its target.
    expect(listed.value.versions.map((v: { version: string; targets: string[] }) => [v.version, v.targets])).toEqual([
      [versions[0], ['production', `experiment:${KEY}/control`]],
      [versions[1], [`experiment:${KEY}/treatment`]],
      [versions[2], [`experiment:${KEY}/third`]],
    ]);

    const { served, server } = await bothOrders(h.serving, KEY, before);
    servedBefore = served;
    remember(before, served);
    expect(mismatches(before, served, server)).toEqual([]);
    // The hash the SDK computes locally agrees too (every unit was first assigned under this config).
    assigner = await my.experiments.localAssigner(KEY, { logExposures: false }).start();
    expect(before.filter((u, i) => assigner.peek(u).variant !== served[i]!.variant)).toEqual([]);
    // Not vacuous: every arm and production answered.
    const inside = served.filter((s) => s.variant).length;
    expect(inside / before.length).toBeCloseTo(0.8, 1);
    expect(new Set(served.map((s) => s.version))).toEqual(new Set(versions));
    expect(new Set(served.map((s) => s.variant))).toEqual(new Set(['control', 'treatment', 'third', null]));
  });

  it('after a weight and coverage change, units assigned before keep their variant (here and on a fresh replica); new units follow the new config', async () => {
    await my.experiments.update(KEY, { weights: { control: 0.6, treatment: 0.2, third: 0.2 }, coverage: 0.95 });
    await new Promise((r) => setTimeout(r, 2_200)); // past the service's config cache and serving's "outside" one
    expect(await assigner.refresh()).toBe(true);

    const again = await serve(h.serving, before);
    const wereIn = before.flatMap((_, i) => (servedBefore[i]!.variant ? [i] : []));
    expect(wereIn.filter((i) => again[i]!.variant !== servedBefore[i]!.variant)).toEqual([]);
    // The hash alone would have moved many of them: stickiness is what keeps them.
    expect(wereIn.filter((i) => assigner.peek(before[i]!).variant !== servedBefore[i]!.variant).length).toBeGreaterThan(300);
    expect(mismatches(before, again, await serverAssign(KEY, before))).toEqual([]);
    remember(before, again);

    // A replica that never saw these units asks the service, and gets the same.
    const fresh = await h.startServing();
    await untilRouting(fresh, { [KEY]: true });
    const replica = await serve(fresh, before);
    expect(replica.filter((s, i) => s.variant !== again[i]!.variant || s.version !== again[i]!.version)).toEqual([]);

    const after = units('late', 3000);
    const { served, server } = await bothOrders(h.serving, KEY, after);
    remember(after, served);
    expect(mismatches(after, served, server)).toEqual([]);
    expect(after.filter((u, i) => assigner.peek(u).variant !== served[i]!.variant)).toEqual([]);
    expect(served.filter((s) => s.variant === 'control').length / after.length).toBeGreaterThan(0.45);
  });

  it('records the exposure of every unit served a variant: the experiments service counts exactly those, per variant', async () => {
    const expected = new Map<string, number>();
    for (const v of insideUnits.values()) expected.set(v, (expected.get(v) ?? 0) + 1);
    const counted = await eventually(async () => {
      const now = await exposed(KEY);
      return total(now) === insideUnits.size ? now : undefined;
    });
    expect(counted.value).toEqual(expected);
    expect(expected.size).toBe(3);
    // Serving counts what it queued (each unit once per replica).
    expect(await metric(h.serving, 'ml_serving_exposures_total', { experiment: KEY })).toBe(insideUnits.size);
    expect(await metric(h.serving, 'ml_serving_exposures_lost_total')).toBe(0);
    expect(await metric(h.serving, 'ml_serving_routed_total', { model, experiment: KEY })).toBeGreaterThan(insideUnits.size);
  });

  it('sends the exposures of the last calls when it shuts down (app.close()), none lost', async () => {
    // Nothing goes out by timer: only the shutdown's flush can send these.
    const closing = await h.startServing({ SERVING_EXPOSURE_FLUSH_SECONDS: '600' });
    await untilRouting(closing, { [KEY]: true });
    const last = units('last', 300);
    const served = await serve(closing, last);
    const inside = served.filter((s) => s.variant).length;
    expect(inside).toBeGreaterThan(250);
    const counted = total(await exposed(KEY));
    await new Promise((r) => setTimeout(r, 300));
    expect(total(await exposed(KEY))).toBe(counted); // still held: fewer than one batch
    expect(await metric(closing, 'ml_serving_exposures_total', { experiment: KEY })).toBe(inside);
    await closing.app.close();
    expect(total(await exposed(KEY))).toBe(counted + inside);
  });

  it('asks for concurrent new units together; while the experiments service cannot answer, a unit gets production and no exposure', async () => {
    const proxy = await startFaultProxy(experiments.url);
    try {
      const app = await h.startServing({ EXPERIMENTS_URL: proxy.url });
      await untilRouting(app, { [KEY]: true });
      const isAssign = (method: string, path: string) => method === 'POST' && path === `/v1/experiments/${KEY}/assignments`;
      const asked = () => proxy.log.filter((r) => isAssign(r.method, r.path)).length;

      // 400 units at once: calls of several units each, not one per unit. How many units a call
      // gathers depends on how fast the service answers (at most 2 calls in flight; a faster answer
      // leaves less time to gather), so the bound is on the average: more than 4 units per call.
      const burst = units('burst', 400);
      const served = await pool(burst, 100, (u) => predict(app, u));
      expect(mismatches(burst, served, await serverAssign(KEY, burst))).toEqual([]);
      expect(asked()).toBeLessThan(100);
      remember(burst, served);
      // Asked once: units inside the experiment cost no further call (those outside are asked again after a second).
      const calls = asked();
      await serve(
        app,
        burst.filter((_, i) => served[i]!.variant),
      );
      expect(asked()).toBe(calls);

      proxy.inject([{ status: 503 }, { status: 503 }], isAssign); // both of the client's attempts
      const unit = units('unreachable', 1)[0]!;
      expect(await predict(app, unit)).toEqual({ version: versions[0], variant: null, experiment: null });
      expect(await metric(app, 'ml_serving_assignment_failures_total', { experiment: KEY })).toBe(1);
      expect(proxy.log.filter((r) => r.fault).length).toBe(2);
      // Once it answers again, the unit gets its variant.
      const [assigned] = await serverAssign(KEY, [unit]);
      const again = await predict(app, unit);
      expect(again.variant).toBe(assigned!.variant);
      remember([unit], [again]);
    } finally {
      await proxy.close();
    }
  });

  it('with a unit: a target wins (no experiment), a model without an experiment answers with production', async () => {
    expect(await predict(h.serving, before[0]!, model, { target: { version: versions[2] } })).toEqual({
      version: versions[2],
      variant: null,
      experiment: null,
    });
    const other = await h.serving.request('POST', `/v1/models/${plain}/predict`, { body: { instances: [[1, 0.5]], unit: 'u1' } });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ model: plain, version: plainVersion });
    expect(Object.keys(other.body)).not.toContain('variant');
    expect(Object.keys(other.body)).not.toContain('experiment');
  });

  it.each([[''], ['two words'], ['x'.repeat(257)], [42], ['tab\there'], ['zero\u200bwidth'], [null]])(
    'refuses the unit %j with a 400 naming unit',
    async (unit) => {
      const res = await h.serving.request('POST', `/v1/models/${model}/predict`, { body: { instances: [[1, 0.5]], unit } });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['unit']);
    },
  );

  it('with two experiments running on the model, the one started first routes', async () => {
    const second = `${KEY}-second`;
    await startSecondExperiment(second);
    await untilRouting(h.serving, { [KEY]: true, [second]: false });
    const served = await serve(h.serving, units('both', 200));
    expect(new Set(served.map((s) => s.experiment))).toEqual(new Set([KEY, null]));
    expect(total(await exposed(second))).toBe(0);
    await my.experiments.stop(second);
    await untilRouting(h.serving, { [KEY]: true });
  });

  it('once the experiment stops, every unit gets production again (those assigned before too)', async () => {
    await my.experiments.stop(KEY);
    const listed = await untilRouting(h.serving, {});
    expect(listed.value.versions.map((v: { version: string }) => v.version)).toEqual([versions[0]]);
    const served = await serve(h.serving, before.slice(0, 300));
    expect(served.filter((s) => s.version !== versions[0] || s.variant !== null)).toEqual([]);
  });

  it('routes an experiment as soon as its start is announced, without waiting for the next poll', async () => {
    // Polls and reconciles an hour apart: only the experiments service's announcement can tell it.
    const slow = await h.startServing({ SERVING_EXPERIMENTS_POLL_SECONDS: '3600', SERVING_RECONCILE_SECONDS: '3600' });
    try {
      await untilServing(slow, model, versions[0]!);
      await untilRouting(slow, {});
      const announced = `${KEY}-announced`;
      await startSecondExperiment(announced);
      const started = await untilRouting(slow, { [announced]: true });
      expect(started.ms).toBeLessThan(5_000);
      expect((await predict(slow, 'announced-unit')).experiment).toBe(announced);
      await my.experiments.stop(announced);
      const stopped = await untilRouting(slow, {});
      expect(stopped.ms).toBeLessThan(5_000);
      expect((await predict(slow, 'announced-unit')).experiment).toBeNull();
    } finally {
      await slow.app.close();
    }
  });

  it('counts exposures sent after their experiment ended apart from lost ones (refused with 409, they count for nothing)', async () => {
    // Exposures go out only when the instance closes, after the experiment has stopped.
    const late = await h.startServing({ SERVING_EXPOSURE_FLUSH_SECONDS: '600', SERVING_EXPERIMENTS_POLL_SECONDS: '3600' });
    const ended = `${KEY}-ended`;
    const routing = late.app.get(RoutingMetrics);
    let inside: number | undefined;
    try {
      await untilServing(late, model, versions[0]!);
      await startSecondExperiment(ended);
      await untilRouting(late, { [ended]: true });
      const served = await serve(late, units('ended', 40));
      inside = served.filter((s) => s.experiment === ended).length;
      expect(inside).toBeGreaterThan(10);
      await my.experiments.stop(ended);
    } finally {
      await late.app.close();
    }
    const count = async (c: typeof routing.exposuresLost) => (await c.get()).values.find((v) => v.labels.experiment === ended)?.value ?? 0;
    expect(total(await exposed(ended))).toBe(0);
    expect(await count(routing.exposuresAfterEnd)).toBe(inside);
    expect(await count(routing.exposuresLost)).toBe(0);
  });
});
