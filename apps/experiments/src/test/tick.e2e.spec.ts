import { assigner } from '@modelyard/assignment';
import { createPrismaClient } from '@modelyard/db';
import { QueueService, keysMatching, type RedisClient } from '@modelyard/platform';
import { metricValue, testRedis } from '@modelyard/platform/testing';
import { QueueName } from '@modelyard/types';
import { stickyRestoredKey } from '../assignment/assignment.service.js';
import { ExperimentsTick } from '../experiments/experiments.tick.js';
import { experimentBody, startHarness, type Harness } from './harness.js';

let h: Harness;
let redis: RedisClient;
const tick = () => h.experiments.app.get(ExperimentsTick).tick(new Date(), true);

beforeAll(async () => {
  h = await startHarness();
  redis = testRedis();
  await h.registry.request('POST', '/v1/models', { body: { name: 'ranker' } });
  for (const v of ['1.0.0', '1.0.1']) {
    await h.registry.request('POST', '/v1/models/ranker/versions', { body: { version: v } });
    await h.registry.request('POST', `/v1/models/ranker/versions/${v}/transitions`, { body: { to: 'staging' } });
  }
  await h.registry.request('POST', '/v1/models/ranker/versions/1.0.0/promote', { body: {} });
});
afterAll(async () => {
  await redis.quit();
  await h.close();
});

async function started(key: string, extra: Record<string, unknown> = {}) {
  const res = await h.experiments.request('POST', '/v1/experiments', { body: experimentBody(key, 'ranker', extra) });
  await h.experiments.request('POST', `/v1/experiments/${key}/start`);
  return res.body.id as string;
}

async function feed(key: string, units: string[], controlEvery: number, treatmentEvery: number) {
  const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
  await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
  const events = units
    .filter((u, i) => i % (assign(u).variant === 0 ? controlEvery : treatmentEvery) === 0)
    .map((unit) => ({ unit, metric: 'conversion', value: 1 }));
  await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } });
}

describe('experiments tick', () => {
  it('is scheduled as a repeatable job', async () => {
    const schedulers = await h.experiments.app.get(QueueService).queue(QueueName.experimentsTick).getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('experiments-tick');
  });

  it('persists sticky assignments and statistics, and restores both after Redis loses them', async () => {
    const id = await started('exp-persist');
    const units = Array.from({ length: 300 }, (_, i) => `p${i}`);
    await feed('exp-persist', units, 5, 3);
    const before = (await h.experiments.request('POST', '/v1/experiments/exp-persist/assignments', { body: { units } })).body.items;
    const resultsBefore = (await h.experiments.request('GET', '/v1/experiments/exp-persist/results')).body;
    await tick();

    const prisma = createPrismaClient(h.experiments.databaseUrl);
    try {
      expect(await prisma.experimentAssignment.count({ where: { experimentId: id } })).toBe(300);
      expect(await prisma.experimentStat.count({ where: { experimentId: id } })).toBeGreaterThanOrEqual(4);
    } finally {
      await prisma.$disconnect();
    }

    // Redis loses everything of this experiment; then the weights change.
    const keys = await keysMatching(redis, `${h.experiments.redisPrefix}:{exp:${id}}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    await redis.del(...keys);
    await h.experiments.request('PATCH', '/v1/experiments/exp-persist', { body: { weights: { control: 0.05, treatment: 0.95 } } });
    await tick();

    const resultsAfter = (await h.experiments.request('GET', '/v1/experiments/exp-persist/results')).body;
    expect(resultsAfter.variants).toEqual(resultsBefore.variants);
    await new Promise((r) => setTimeout(r, 1_100)); // past the assignment config cache
    const after = (await h.experiments.request('POST', '/v1/experiments/exp-persist/assignments', { body: { units } })).body.items;
    expect(after.map((a: { variant: string }) => a.variant)).toEqual(before.map((b: { variant: string }) => b.variant));
  });

  it('adds the statistics counted before a Redis loss to the traffic counted after it, before the tick', async () => {
    const id = await started('exp-stats-loss');
    const results = async () =>
      (await h.experiments.request('GET', '/v1/experiments/exp-stats-loss/results')).body.variants as {
        key: string;
        units: number;
        metrics: { conversion: { mean: number } };
      }[];
    const counts = async () => new Map((await results()).map((v) => [v.key, v.units]));
    const early = Array.from({ length: 300 }, (_, i) => `s${i}`);
    await feed('exp-stats-loss', early, 5, 3);
    await tick();
    const before = await counts();

    await redis.del(...(await keysMatching(redis, `${h.experiments.redisPrefix}:{exp:${id}}:*`)));
    const late = Array.from({ length: 60 }, (_, i) => `late${i}`);
    await feed('exp-stats-loss', late, 5, 3);
    const lateOnly = await counts();
    expect([...lateOnly.values()].reduce((a, b) => a + b, 0)).toBe(60); // what Redis holds now
    await tick();

    const after = await counts();
    for (const [variant, n] of before) expect(after.get(variant)).toBe(n + lateOnly.get(variant)!);
    // A second tick adds nothing again.
    await tick();
    expect(await counts()).toEqual(after);
  });

  it('keeps assigned units in their arms when traffic after a Redis loss comes before the tick', async () => {
    const id = await started('exp-traffic-first');
    const units = Array.from({ length: 300 }, (_, i) => `t${i}`);
    const assign = async (list: string[]) =>
      (await h.experiments.request('POST', '/v1/experiments/exp-traffic-first/assignments', { body: { units: list } })).body.items;
    const before = await assign(units);
    await tick();

    await h.experiments.request('PATCH', '/v1/experiments/exp-traffic-first', { body: { weights: { control: 0.05, treatment: 0.95 } } });
    const keys = await keysMatching(redis, `${h.experiments.redisPrefix}:{exp:${id}}:*`);
    await redis.del(...keys);
    await new Promise((r) => setTimeout(r, 1_100)); // past the assignment config cache
    // A new unit first: it recreates the sticky hash of the experiment…
    expect((await assign(['t-new']))[0].inExperiment).toBe(true);
    // …then the units assigned before the loss, still before any tick: each keeps its arm.
    const after = await assign(units);
    expect(after.map((a: { variant: string }) => a.variant)).toEqual(before.map((b: { variant: string }) => b.variant));
    expect(after.every((a: { sticky: boolean }) => a.sticky)).toBe(true);

    await tick();
    expect(await redis.exists(`${h.experiments.redisPrefix}:${stickyRestoredKey(id)}`)).toBe(1);
    const settled = await assign(units);
    expect(settled.map((a: { variant: string }) => a.variant)).toEqual(before.map((b: { variant: string }) => b.variant));
  });

  it('marks the sticky hash complete at start, and restores it when a stopped experiment starts again', async () => {
    const id = await started('exp-start-restores');
    const marker = `${h.experiments.redisPrefix}:${stickyRestoredKey(id)}`;
    // No tick yet: a new experiment has nothing persisted, so its hash is complete at once.
    expect(await redis.exists(marker)).toBe(1);
    const units = Array.from({ length: 50 }, (_, i) => `r${i}`);
    const assign = async () =>
      (await h.experiments.request('POST', '/v1/experiments/exp-start-restores/assignments', { body: { units } })).body.items;
    const before = await assign();
    expect(before.filter((a: { sticky: boolean }) => a.sticky)).toHaveLength(0);
    await tick();

    await h.experiments.request('POST', '/v1/experiments/exp-start-restores/stop');
    await redis.del(...(await keysMatching(redis, `${h.experiments.redisPrefix}:{exp:${id}}:*`)));
    await h.experiments.request('PATCH', '/v1/experiments/exp-start-restores', { body: { weights: { control: 0.05, treatment: 0.95 } } });
    await h.experiments.request('POST', '/v1/experiments/exp-start-restores/start');
    expect(await redis.hlen(`${h.experiments.redisPrefix}:{exp:${id}}:units`)).toBe(50);
    await new Promise((r) => setTimeout(r, 1_100)); // past the assignment config cache
    const after = await assign();
    expect(after.map((a: { variant: string }) => a.variant)).toEqual(before.map((b: { variant: string }) => b.variant));
    expect(after.every((a: { sticky: boolean }) => a.sticky)).toBe(true);
  });

  it('goes on past an experiment that fails: counted, logged, retried by the next tick', async () => {
    const poisonedId = await started('exp-poisoned');
    const healthyId = await started('exp-healthy');
    await h.experiments.request('POST', '/v1/experiments/exp-healthy/assignments', { body: { units: ['h1', 'h2', 'h3'] } });
    // The poisoned experiment's queue of new assignments is no list any more: its tick fails at once.
    const queue = `${h.experiments.redisPrefix}:{exp:${poisonedId}}:new`;
    await redis.set(queue, 'not a list');
    const failures = () => metricValue(h.experiments, 'ml_background_failures_total', { loop: 'experiments-tick', service: 'experiments' });
    const failedBefore = await failures();

    await tick();
    const prisma = createPrismaClient(h.experiments.databaseUrl);
    try {
      expect(await prisma.experimentAssignment.count({ where: { experimentId: healthyId } })).toBe(3);
    } finally {
      await prisma.$disconnect();
    }
    const failedOnce = await failures();
    expect(failedOnce).toBeGreaterThanOrEqual(failedBefore + 1);
    await tick();
    expect(await failures()).toBeGreaterThanOrEqual(failedOnce + 1);

    // Repaired, it goes through on the next tick like the others.
    await redis.del(queue);
    await h.experiments.request('POST', '/v1/experiments/exp-poisoned/assignments', { body: { units: ['p1'] } });
    const failedAfterRepair = await failures();
    await tick();
    expect(await failures()).toBe(failedAfterRepair);
    const check = createPrismaClient(h.experiments.databaseUrl);
    try {
      expect(await check.experimentAssignment.count({ where: { experimentId: poisonedId } })).toBe(1);
    } finally {
      await check.$disconnect();
    }
  });

  it('persists the assignments made just before an experiment stopped', async () => {
    const id = await started('exp-drain');
    const units = Array.from({ length: 120 }, (_, i) => `d${i}`);
    await h.experiments.request('POST', '/v1/experiments/exp-drain/assignments', { body: { units } });
    expect((await h.experiments.request('POST', '/v1/experiments/exp-drain/stop')).status).toBe(200);
    await tick();

    const prisma = createPrismaClient(h.experiments.databaseUrl);
    try {
      expect(await prisma.experimentAssignment.count({ where: { experimentId: id } })).toBe(120);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('with autoPromote, concludes and promotes a significant winner on its own', async () => {
    await started('exp-auto', { autoPromote: true });
    await tick();
    expect((await h.experiments.request('GET', '/v1/experiments/exp-auto')).body.status).toBe('running');
    await feed(
      'exp-auto',
      Array.from({ length: 4000 }, (_, i) => `a${i}`),
      10,
      4,
    );
    await tick();
    const e = (await h.experiments.request('GET', '/v1/experiments/exp-auto')).body;
    expect(e.status).toBe('concluded');
    expect(e.conclusion).toMatchObject({
      winner: 'treatment',
      promoted: true,
      concludedBy: 'service:experiments',
      reason: 'auto-promotion',
    });
    expect((await h.registry.request('GET', '/v1/models/ranker/production')).body.version).toBe('1.0.1');
  });

  it('detects a +5% relative effect (20% → 21%) sent through the API and auto-promotes the challenger', async () => {
    await h.registry.request('POST', '/v1/models', { body: { name: 'ranker5' } });
    for (const v of ['1.0.0', '1.0.1']) {
      await h.registry.request('POST', '/v1/models/ranker5/versions', { body: { version: v } });
      await h.registry.request('POST', `/v1/models/ranker5/versions/${v}/transitions`, { body: { to: 'staging' } });
    }
    await h.registry.request('POST', '/v1/models/ranker5/versions/1.0.0/promote', { body: {} });
    const key = 'exp-plus5';
    await h.experiments.request('POST', '/v1/experiments', { body: { ...experimentBody(key, 'ranker5'), autoPromote: true } });
    await h.experiments.request('POST', `/v1/experiments/${key}/start`);
    const assign = assigner({ seed: key, weights: [0.5, 0.5], coverage: 1 });
    const seen = [0, 0];
    for (let batch = 0; batch < 12; batch++) {
      const units = Array.from({ length: 10_000 }, (_, i) => `f${batch * 10_000 + i}`);
      await h.experiments.request('POST', `/v1/experiments/${key}/exposures`, { body: { exposures: units.map((unit) => ({ unit })) } });
      // Exactly 20 % of control units and 21 % of treatment units convert (in order of arrival).
      const events = units.flatMap((unit) => {
        const arm = assign(unit).variant;
        const k = seen[arm]!++;
        return k % 100 < (arm === 0 ? 20 : 21) ? [{ unit, metric: 'conversion', value: 1 }] : [];
      });
      const res = await h.experiments.request('POST', `/v1/experiments/${key}/events`, { body: { events } });
      // The scheduled tick runs meanwhile and may conclude as soon as the evidence suffices: 409 then.
      if (res.status === 409) break;
      expect(res.status).toBe(200);
    }
    const results = (await h.experiments.request('GET', `/v1/experiments/${key}/results`)).body;
    const cmp = results.comparisons.find((c: { metric: string }) => c.metric === 'conversion');
    expect(cmp.relativeLift).toBeGreaterThan(0.03);
    expect(cmp.relativeLift).toBeLessThan(0.07);
    expect(cmp.sequentialPValue).toBeLessThan(0.05);
    // Our tick or the scheduled one (whichever holds the experiment's lock) concludes it.
    let conclusion = null;
    for (let i = 0; i < 30 && !conclusion; i++) {
      await tick();
      conclusion = (await h.experiments.request('GET', `/v1/experiments/${key}`)).body.conclusion;
      if (!conclusion) await new Promise((r) => setTimeout(r, 500));
    }
    expect(conclusion).toMatchObject({ winner: 'treatment', promoted: true });
    expect((await h.registry.request('GET', '/v1/models/ranker5/production')).body.version).toBe('1.0.1');
  }, 180_000);

  it('concludes an experiment past its maximum duration, without a winner when there is none', async () => {
    await started('exp-timeout', { maxDurationHours: 0.0001 });
    await new Promise((r) => setTimeout(r, 500));
    await tick();
    const e = (await h.experiments.request('GET', '/v1/experiments/exp-timeout')).body;
    expect(e.status).toBe('concluded');
    expect(e.conclusion).toMatchObject({ winner: null, promoted: false, reason: 'maximum duration reached' });
  });
});
