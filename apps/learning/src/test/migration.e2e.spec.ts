import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createPrismaClient, DEFAULT_MIGRATIONS_DIR, withDatabase, type PrismaClient } from '@modelyard/db';
import { DEFAULT_TEST_SERVER_URL } from '@modelyard/db/testing';

// The learning migration that makes enums of text columns and cascades of hand-written deletes,
// run over data written by the schema before it.
const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
const url = withDatabase(serverUrl, `modelyard_spec_learning_${randomBytes(5).toString('hex')}`);
let before: string;
let db: PrismaClient;

/** A folder with the repository's migrations up to and including learning's first one. */
async function migrationsUpToLearningInit(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'learning-migrations-'));
  const entries = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })).map((e) => e.name).sort();
  const init = entries.find((name) => name.endsWith('_learning_init'));
  if (!init) throw new Error('no learning_init migration');
  // Folders up to it, and the lock file.
  const copied = entries.filter((n) => n <= init || !/^\d{14}_/.test(n));
  for (const name of copied) await cp(join(DEFAULT_MIGRATIONS_DIR, name), join(dir, name), { recursive: true });
  return dir;
}

const pipelineSql = `INSERT INTO learning_pipelines (id, name, model, learner, features, target, strategy,
  "batchSize", "minSamples", "maxBuffer", gate, register, "onDrift", "createdBy", "updatedAt")
  VALUES ($1::uuid, $2, 'm', '{}', '[]', 'y', $3, 10, 1, 100, '{}', '{}', $4, 'me', now())`;
const checkpointSql = `INSERT INTO learning_checkpoints
  (id, "pipelineId", seq, model, progressive, "samplesSeen", metrics)
  VALUES (gen_random_uuid(), $1::uuid, $2, '{}', '{}', 0, '{}')`;
const updateSql = `INSERT INTO learning_updates (id, "pipelineId", seq, reason, outcome, "startedAt")
  VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, now())`;

beforeAll(async () => {
  before = await migrationsUpToLearningInit();
  await applyMigrations(url, { migrationsDir: before });
  db = createPrismaClient(url);
});
afterAll(async () => {
  await db.$disconnect();
  const admin = createPrismaClient(serverUrl);
  await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  await admin.$disconnect();
  await rm(before, { recursive: true, force: true });
});

describe('learning migrations: enums and cascades', () => {
  it('converts values in place, drops orphans, deletes a pipeline with its checkpoints and history', async () => {
    const [periodic, batch, gone] = [randomUUID(), randomUUID(), randomUUID()];
    await db.$executeRawUnsafe(pipelineSql, periodic, 'periodic-p', 'periodic', 'reset');
    await db.$executeRawUnsafe(pipelineSql, batch, 'batch-p', 'mini_batch', 'warm_start');
    await db.$executeRawUnsafe(checkpointSql, periodic, 1);
    await db.$executeRawUnsafe(checkpointSql, batch, 1);
    await db.$executeRawUnsafe(updateSql, periodic, 1, 'drift', 'registered');
    await db.$executeRawUnsafe(updateSql, periodic, 2, 'manual', 'failed');
    await db.$executeRawUnsafe(updateSql, batch, 1, 'samples', 'skipped');
    // Left by a pipeline deleted outside the service.
    await db.$executeRawUnsafe(checkpointSql, gone, 1);
    await db.$executeRawUnsafe(updateSql, gone, 1, 'schedule', 'rejected');

    const { applied } = await applyMigrations(url);
    expect(applied.some((name) => name.endsWith('_learning_enums_relations'))).toBe(true);

    const types = await db.$queryRawUnsafe<{ column_name: string; udt_name: string }[]>(
      `SELECT column_name, udt_name FROM information_schema.columns
       WHERE table_name IN ('learning_pipelines', 'learning_updates')
         AND column_name IN ('strategy', 'onDrift', 'reason', 'outcome')
       ORDER BY column_name`,
    );
    expect(types).toEqual([
      { column_name: 'onDrift', udt_name: 'PipelineOnDrift' },
      { column_name: 'outcome', udt_name: 'LearningUpdateOutcome' },
      { column_name: 'reason', udt_name: 'LearningUpdateReason' },
      { column_name: 'strategy', udt_name: 'PipelineStrategy' },
    ]);
    const pipelines = await db.learningPipeline.findMany({
      orderBy: { name: 'asc' },
      select: { name: true, strategy: true, onDrift: true },
    });
    expect(pipelines).toEqual([
      { name: 'batch-p', strategy: 'mini_batch', onDrift: 'warm_start' },
      { name: 'periodic-p', strategy: 'periodic', onDrift: 'reset' },
    ]);
    const updates = await db.learningUpdate.findMany({
      orderBy: [{ pipelineId: 'asc' }, { seq: 'asc' }],
      select: { pipelineId: true, reason: true, outcome: true },
    });
    expect(updates).toHaveLength(3);
    expect(updates.filter((u) => u.pipelineId === periodic).map((u) => [u.reason, u.outcome])).toEqual([
      ['drift', 'registered'],
      ['manual', 'failed'],
    ]);
    expect(await db.learningCheckpoint.count({ where: { pipelineId: gone } })).toBe(0);
    expect(await db.learningUpdate.count({ where: { pipelineId: gone } })).toBe(0);

    // learning_external_jobs (the later `learning_external_jobs` migration): enum columns, and a
    // pipeline's jobs go with it.
    expect(applied.some((name) => name.endsWith('_learning_external_jobs'))).toBe(true);
    const jobTypes = await db.$queryRawUnsafe<{ column_name: string; udt_name: string }[]>(
      `SELECT column_name, udt_name FROM information_schema.columns
       WHERE table_name = 'learning_external_jobs' AND column_name IN ('status', 'reason', 'outcome', 'fromSample')
       ORDER BY column_name`,
    );
    expect(jobTypes).toEqual([
      { column_name: 'fromSample', udt_name: 'int8' },
      { column_name: 'outcome', udt_name: 'LearningUpdateOutcome' },
      { column_name: 'reason', udt_name: 'LearningUpdateReason' },
      { column_name: 'status', udt_name: 'LearningExternalJobStatus' },
    ]);
    const job = { reason: 'manual' as const, fromSample: 0n, toSample: 300n, holdout: 100, fresh: true };
    await db.learningExternalJob.create({ data: { pipelineId: periodic, ...job } });
    await db.learningExternalJob.create({ data: { pipelineId: batch, ...job } });
    expect(await db.learningExternalJob.findFirst({ where: { pipelineId: batch } })).toMatchObject({ status: 'queued', attempts: 0 });

    // learning_tunings and learning_trials (the `learning_tunings` migration): enum and array columns,
    // and a pipeline's tunings go with it, their trials with them.
    expect(applied.some((name) => name.endsWith('_learning_tunings'))).toBe(true);
    const tuningTypes = await db.$queryRawUnsafe<{ table_name: string; column_name: string; udt_name: string }[]>(
      `SELECT table_name, column_name, udt_name FROM information_schema.columns
       WHERE table_name IN ('learning_tunings', 'learning_trials') ORDER BY table_name, column_name`,
    );
    expect(tuningTypes.map((c) => `${c.table_name}.${c.column_name}:${c.udt_name}`)).toEqual([
      'learning_trials.detail:text',
      'learning_trials.id:uuid',
      'learning_trials.index:int4',
      'learning_trials.model:jsonb',
      'learning_trials.params:jsonb',
      'learning_trials.progressive:jsonb',
      'learning_trials.rungMetrics:jsonb',
      'learning_trials.rungTarget:int4',
      'learning_trials.rungsDone:int4',
      'learning_trials.sampleUpdates:int4',
      'learning_trials.status:LearningTrialStatus',
      'learning_trials.tuningId:uuid',
      'learning_trials.updatedAt:timestamp',
      'learning_tunings.appliedAt:timestamp',
      'learning_tunings.appliedBy:text',
      'learning_tunings.bestTrialId:uuid',
      'learning_tunings.createdAt:timestamp',
      'learning_tunings.createdBy:text',
      'learning_tunings.finishedAt:timestamp',
      'learning_tunings.id:uuid',
      'learning_tunings.pipelineId:uuid',
      'learning_tunings.request:jsonb',
      'learning_tunings.rungs:_int4',
      'learning_tunings.samples:jsonb',
      'learning_tunings.status:LearningTuningStatus',
    ]);
    const tuning = await db.learningTuning.create({
      data: {
        pipelineId: periodic,
        request: {},
        rungs: [10, 30],
        samples: [],
        createdBy: 'me',
        trials: { create: [{ index: 0, params: {} }] },
      },
    });
    expect(await db.learningTrial.findFirst({ where: { tuningId: tuning.id } })).toMatchObject({
      status: 'queued',
      rungsDone: 0,
      rungTarget: 1,
      rungMetrics: [],
      sampleUpdates: 0,
      model: null,
    });
    expect(tuning).toMatchObject({ status: 'running', rungs: [10, 30], bestTrialId: null, appliedBy: null });

    await db.learningPipeline.delete({ where: { id: periodic } });
    expect(await db.learningTuning.count({ where: { pipelineId: periodic } })).toBe(0);
    expect(await db.learningTrial.count({ where: { tuningId: tuning.id } })).toBe(0);
    expect(await db.learningExternalJob.count({ where: { pipelineId: periodic } })).toBe(0);
    expect(await db.learningExternalJob.count({ where: { pipelineId: batch } })).toBe(1);
    expect(await db.learningCheckpoint.count({ where: { pipelineId: periodic } })).toBe(0);
    expect(await db.learningUpdate.count({ where: { pipelineId: periodic } })).toBe(0);
    expect(await db.learningCheckpoint.count({ where: { pipelineId: batch } })).toBe(1);
    expect(await db.learningUpdate.count({ where: { pipelineId: batch } })).toBe(1);
  });
});
