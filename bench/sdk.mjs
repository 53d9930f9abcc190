// `pnpm bench:sdk`: (1) local assignment through the SDK (config fetched once, exposures queued)
// vs the server's batch assignment endpoint through the same SDK; (2) event ingestion through the
// SDK's BatchIngestor vs one request per event. Real registry + experiments services, built.
import { join } from 'node:path';
import { applyMigrations } from '@modelyard/db';
import { Modelyard } from '@modelyard/sdk';
import { ROOT, adminToken, start } from './lib.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/modelyard_bench';
const LOCAL_UNITS = 1_000_000;
const SERVER_UNITS = 50_000;
const EVENTS = 100_000;
const SINGLE_EVENTS = 2_000;

await applyMigrations(DATABASE_URL);
const env = { DATABASE_URL, REDIS_PREFIX: `bench-sdk-${Date.now()}` };
const registry = await start(join(ROOT, 'apps/registry'), ['dist/main.js'], 3921, env);
const experiments = await start(join(ROOT, 'apps/experiments'), ['dist/main.js'], 3922, { ...env, REGISTRY_URL: registry.url });
const my = new Modelyard({ urls: { registry: registry.url, experiments: experiments.url }, token: adminToken(), validateResponses: false });
const rate = (n, ms) => (n / (ms / 1000)).toFixed(0);
try {
  const model = `bench-sdk-${Date.now()}`;
  await my.registry.models.create({ name: model });
  await my.registry.versions.create(model);
  await my.registry.versions.create(model);
  await my.experiments.create({
    key: model,
    model,
    control: 'a',
    coverage: 0.9,
    primaryMetric: { name: 'revenue', kind: 'continuous' },
    variants: [
      { key: 'a', version: '1.0.0', weight: 0.5 },
      { key: 'b', version: '1.0.1', weight: 0.5 },
    ],
  });
  await my.experiments.start(model);

  const silent = await my.experiments.localAssigner(model, { logExposures: false }).start();
  let t = performance.now();
  for (let i = 0; i < LOCAL_UNITS; i++) silent.peek(`user-${i}`);
  const silentMs = performance.now() - t;
  await silent.close();

  // Default policy: assign() waits when the exposure log is full, so every exposure is sent.
  const assigner = await my.experiments.localAssigner(model, { exposures: { maxBatchSize: 5_000, maxQueueSize: 50_000 } }).start();
  t = performance.now();
  for (let i = 0; i < LOCAL_UNITS; i++) await assigner.assign(`user-${i}`);
  const localMs = performance.now() - t;
  t = performance.now();
  await assigner.close();
  const drainMs = performance.now() - t;
  const log = assigner.exposureLog.stats;

  // Opt-in drop policy: assign() never waits; what finds the log full is dropped and counted.
  const dropping = await my.experiments
    .localAssigner(model, { exposures: { maxBatchSize: 5_000, maxQueueSize: 50_000, onFull: 'drop', onError: () => {} } })
    .start();
  t = performance.now();
  for (let i = 0; i < LOCAL_UNITS; i++) await dropping.assign(`drop-${i}`);
  const droppingMs = performance.now() - t;
  await dropping.close();
  const dropLog = dropping.exposureLog.stats;

  t = performance.now();
  for (let i = 0; i < SERVER_UNITS; i += 1000)
    await my.experiments.assignMany(
      model,
      Array.from({ length: 1000 }, (_, j) => `srv-${i + j}`),
    );
  const serverMs = performance.now() - t;
  console.log(`(1) assignment (node ${process.version})`);
  console.log(`    SDK local, no exposures  ${rate(LOCAL_UNITS, silentMs)} units/s`);
  console.log(
    `    SDK local + exposures    ${rate(LOCAL_UNITS, localMs)} units/s over ${LOCAL_UNITS / 1e6}M units (exposures: ${log.sent} sent, ${log.dropped} dropped, drain ${drainMs.toFixed(0)} ms)`,
  );
  console.log(
    `    SDK local, onFull 'drop'  ${rate(LOCAL_UNITS, droppingMs)} units/s (exposures: ${dropLog.sent} sent, ${dropLog.dropped} dropped and counted)`,
  );
  console.log(`    server assignMany (1000) ${rate(SERVER_UNITS, serverMs)} units/s over ${SERVER_UNITS} units`);
  console.log(`    ratio (local, no exposures : server) ${(LOCAL_UNITS / silentMs / (SERVER_UNITS / serverMs)).toFixed(0)}x`);

  const events = my.experiments.eventIngestor(model, { maxBatchSize: 2_000, maxQueueSize: 20_000 });
  t = performance.now();
  for (let i = 0; i < EVENTS; i++) await events.add({ unit: `user-${i % 200_000}`, metric: 'revenue', value: i % 7 });
  await events.close();
  const batchedMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < SINGLE_EVENTS; i++) await my.experiments.events(model, [{ unit: `one-${i}`, metric: 'revenue', value: 1 }]);
  const singleMs = performance.now() - t;
  console.log(`\n(2) event ingestion`);
  console.log(
    `    BatchIngestor (2000/batch) ${rate(EVENTS, batchedMs)} events/s over ${EVENTS} events (${events.stats.batches} batches, ${events.stats.dropped} dropped)`,
  );
  console.log(`    one request per event      ${rate(SINGLE_EVENTS, singleMs)} events/s over ${SINGLE_EVENTS} events`);
  console.log(`    ratio ${(EVENTS / batchedMs / (SINGLE_EVENTS / singleMs)).toFixed(0)}x`);
} finally {
  await Promise.all([registry.stop(), experiments.stop()]);
}
process.exit(0);
