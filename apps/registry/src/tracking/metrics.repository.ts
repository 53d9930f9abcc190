import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { PrismaService, ValidationFailed } from '@modelyard/platform';
import type { KeyValue, MetricValue } from '@modelyard/types';
import type { Tx } from '../audit/audit.repository.js';
import { TX_OPTIONS } from '../models/model-lock.js';
import { toRunId } from './run-ids.js';
import { ParamChanged } from './tracking.errors.js';

export interface Point {
  key: string;
  value: MetricValue;
  step: number;
  timestamp: number;
}

/** A history point as Postgres's JSON writes it (bigints as numbers: steps and ms fit in 2^53). */
export interface HistoryPoint {
  id: number;
  key: string;
  value: MetricValue;
  step: number;
  timestamp: number;
}

/** A metric value as Postgres reads a float8 literal ('NaN' and '±Infinity' included). */
const float8Text = (value: MetricValue) => (typeof value === 'number' ? String(value) : value);

/** MLflow's order for "latest": highest step, then newest timestamp, then largest value. */
function newer(a: Point, b: Point): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return Number(float8Text(a.value)) > Number(float8Text(b.value));
}

/** The latest point of each key in a batch. */
export function latestByKey(points: Point[]): Point[] {
  const latest = new Map<string, Point>();
  for (const p of points) {
    const seen = latest.get(p.key);
    if (!seen || newer(p, seen)) latest.set(p.key, p);
  }
  return [...latest.values()];
}

/**
 * Metric points, params and tags: the ingestion hot path. Each kind goes in as one multi-row insert
 * built from arrays (`unnest`), so a 1,000-point batch is one INSERT, not 1,000. A batch of metrics
 * alone is a single statement (one round trip): the run check, the points and the latest values.
 */
@Injectable()
export class MetricsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Logs the batch into an active run; false when no active run has that id (nothing is written). */
  async logBatch(runUuid: string, batch: { metrics: Point[]; params: KeyValue[]; tags: KeyValue[] }): Promise<boolean> {
    const params = distinctParams(batch.params);
    const tags = [...new Map(batch.tags.map((t) => [t.key, t.value])).entries()];
    if (!params.length && !tags.length)
      return batch.metrics.length ? insertMetrics(this.prisma, runUuid, batch.metrics) : this.isActive(runUuid);
    return this.prisma.$transaction(async (tx) => {
      // Locks the run: a concurrent delete waits, and params of one run are checked one batch at a time.
      const run = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM registry_tracking_runs WHERE id = ${runUuid}::uuid AND lifecycle = 'active' FOR SHARE`;
      if (!run.length) return false;
      if (params.length) await insertParams(tx, runUuid, params);
      if (tags.length) {
        await tx.$executeRaw`
          INSERT INTO registry_tracking_run_tags ("runId", key, value)
          SELECT ${runUuid}::uuid, k, v FROM unnest(${tags.map((t) => t[0])}::text[], ${tags.map((t) => t[1])}::text[]) AS u(k, v)
          ON CONFLICT ("runId", key) DO UPDATE SET value = EXCLUDED.value`;
      }
      return batch.metrics.length ? insertMetrics(tx, runUuid, batch.metrics) : true;
    }, TX_OPTIONS);
  }

  private async isActive(runUuid: string): Promise<boolean> {
    const run = await this.prisma.trackingRun.findUnique({ where: { id: runUuid }, select: { lifecycle: true } });
    return run?.lifecycle === 'active';
  }

  /**
   * One page of a metric's history, in step order (then timestamp, then logging order). The page
   * comes back as one JSON text built by Postgres: mapping a thousand rows field by field through
   * the driver cost far more than the index scan itself. Postgres writes NaN and infinities as the
   * strings "NaN", "Infinity", "-Infinity", the spelling our API uses.
   */
  async history(runUuid: string, key: string, after: { step: bigint; timestamp: bigint; id: bigint } | undefined, limit: number) {
    // The row comparison matches the index's trailing columns, so the page starts at the token.
    const from = after
      ? Prisma.sql`AND (step, timestamp, id) > (${after.step}::bigint, ${after.timestamp}::bigint, ${after.id}::bigint)`
      : Prisma.empty;
    const rows = await this.prisma.$queryRaw<{ page: string }[]>`
      SELECT coalesce(json_agg(p ORDER BY p.step, p.timestamp, p.id), '[]')::text AS page FROM (
        SELECT id, key, value, step, timestamp FROM registry_tracking_metrics
        WHERE "runId" = ${runUuid}::uuid AND key = ${key} ${from}
        ORDER BY step, timestamp, id LIMIT ${limit + 1}
      ) p`;
    return JSON.parse(rows[0]!.page) as HistoryPoint[];
  }
}

function distinctParams(params: KeyValue[]): KeyValue[] {
  const byKey = new Map<string, string>();
  for (const p of params) {
    const seen = byKey.get(p.key);
    if (seen !== undefined && seen !== p.value) {
      throw new ValidationFailed([{ field: 'params', in: 'body', message: `param '${p.key}' is given twice with different values` }]);
    }
    byKey.set(p.key, p.value);
  }
  return [...byKey.entries()].map(([key, value]) => ({ key, value }));
}

/** Params are immutable: new keys are inserted; a known key with another value fails the whole batch. */
async function insertParams(tx: Tx, runUuid: string, params: KeyValue[]) {
  const keys = params.map((p) => p.key);
  await tx.$executeRaw`
    INSERT INTO registry_tracking_run_params ("runId", key, value)
    SELECT ${runUuid}::uuid, k, v FROM unnest(${keys}::text[], ${params.map((p) => p.value)}::text[]) AS u(k, v)
    ON CONFLICT ("runId", key) DO NOTHING`;
  const stored = await tx.$queryRaw<{ key: string; value: string }[]>`
    SELECT key, value FROM registry_tracking_run_params WHERE "runId" = ${runUuid}::uuid AND key = ANY(${keys}::text[])`;
  const wanted = new Map(params.map((p) => [p.key, p.value]));
  const changed = stored.find((s) => wanted.get(s.key) !== s.value);
  if (changed) throw new ParamChanged(toRunId(runUuid), changed.key, changed.value, wanted.get(changed.key)!);
}

const columns = (points: Point[]) => [
  points.map((p) => p.key),
  points.map((p) => float8Text(p.value)),
  points.map((p) => String(p.step)),
  points.map((p) => String(p.timestamp)),
];

/**
 * The points and the latest value of each key, in one statement: data-modifying CTEs run once and
 * to completion whether or not the outer query reads them, and write nothing when `run` is empty
 * (no such active run). The stored latest point is replaced only by a newer one (step, then
 * timestamp, then value); the batch's own latest per key is picked beforehand, as one upsert may
 * not touch a row twice.
 */
async function insertMetrics(db: Tx | PrismaService, runUuid: string, points: Point[]): Promise<boolean> {
  const [keys, values, steps, times] = columns(points);
  const [lKeys, lValues, lSteps, lTimes] = columns(latestByKey(points));
  const rows = await db.$queryRaw<{ found: bigint }[]>`
    WITH run AS (
      SELECT id FROM registry_tracking_runs WHERE id = ${runUuid}::uuid AND lifecycle = 'active'
    ), points AS (
      INSERT INTO registry_tracking_metrics ("runId", key, value, step, timestamp)
      SELECT run.id, k, v, s, t
      FROM run, unnest(${keys}::text[], ${values}::float8[], ${steps}::bigint[], ${times}::bigint[]) AS u(k, v, s, t)
    ), latest AS (
      INSERT INTO registry_tracking_latest_metrics AS m ("runId", key, value, step, timestamp)
      SELECT run.id, k, v, s, t
      FROM run, unnest(${lKeys}::text[], ${lValues}::float8[], ${lSteps}::bigint[], ${lTimes}::bigint[]) AS u(k, v, s, t)
      ON CONFLICT ("runId", key) DO UPDATE SET value = EXCLUDED.value, step = EXCLUDED.step, timestamp = EXCLUDED.timestamp
      WHERE (EXCLUDED.step, EXCLUDED.timestamp, EXCLUDED.value) > (m.step, m.timestamp, m.value)
    )
    SELECT count(*) AS found FROM run`;
  return Number(rows[0]?.found ?? 0) > 0;
}
