import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, recordAudit, RedisService, ValidationFailed } from '@modelyard/platform';
import { monitorTarget } from '../monitors/monitors.audit.js';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import { decodeReference, encodeReference } from './reference.codec.js';
import { emptyCounts, prepared, toReferenceColumn, toReferenceData } from './reference.mapper.js';
import { monitorKey } from '../monitor-keys.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;
/** Largest reference per column. */
export const MAX_REFERENCE_ROWS = 1_000_000;
/** How long a reference version stays in Redis after it is written (a check after that reads Postgres and writes it again). */
const CACHE_TTL_SECONDS = 86_400;
/** Larger references are read from Postgres only, so a few huge baselines cannot crowd Redis' memory. */
const CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** Who set a reference, and from what. */
export interface ReferenceChange {
  actor: string;
  source: 'upload' | 'window' | 'range';
}

/**
 * References stored compactly: one row per column in Postgres, packed float64 (a feature's values
 * sorted) or counts per category; and each version also as one binary value in Redis, which is
 * what a check reads (the Postgres bytea arrives hex-encoded and took 60–150 ms to fetch and decode
 * for 100 columns of 10k values, against a few ms for the Redis value).
 */
@Injectable()
export class ReferenceRepository {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {}

  private static cacheKey(monitorId: string, version: number) {
    return monitorKey(monitorId, `ref:${version}`);
  }

  /**
   * The monitor's reference, prepared (features sorted). With the version the caller saw, from its
   * Redis copy when there is one; else from Postgres, read with the version in one snapshot, and
   * copied to Redis when that is the version asked for.
   */
  async load(monitorId: string, version?: number): Promise<Map<string, ReferenceColumn>> {
    if (version !== undefined) {
      const cached = await this.redis.client.getBuffer(ReferenceRepository.cacheKey(monitorId, version));
      const decoded = cached && decodeReference(cached);
      if (decoded) return decoded;
    }
    const [monitor, rows] = await this.prisma.$transaction(
      [
        this.prisma.driftMonitor.findUnique({ where: { id: monitorId }, select: { referenceVersion: true } }),
        this.prisma.driftReference.findMany({ where: { monitorId } }),
      ],
      { isolationLevel: 'RepeatableRead' },
    );
    // Columns stored before references were kept sorted are sorted here.
    const reference = new Map(rows.map((r) => [r.column, prepared(r.column, toReferenceColumn(r))]));
    if (version !== undefined && monitor?.referenceVersion === version) await this.cache(monitorId, version, reference);
    return reference;
  }

  private async cache(monitorId: string, version: number, reference: ReadonlyMap<string, ReferenceColumn>) {
    const bytes = encodeReference(reference);
    if (bytes.length > CACHE_MAX_BYTES) return;
    await this.redis.client.set(ReferenceRepository.cacheKey(monitorId, version), bytes, 'EX', CACHE_TTL_SECONDS);
  }

  /** Drops the Redis copy of a version (replaced, or its monitor deleted). */
  async forget(monitorId: string, version: number) {
    await this.redis.client.del(ReferenceRepository.cacheKey(monitorId, version));
  }

  /**
   * Replaces (or, with `append`, extends) the given columns and bumps the monitor's reference
   * version, in one transaction under the monitor's row lock (two concurrent appends both count).
   */
  async save(
    monitorId: string,
    columns: Map<string, ReferenceColumn>,
    append: boolean,
    by: ReferenceChange,
  ): Promise<{ rows: number; version: number }> {
    // What the new version holds in full: the columns written, over the ones kept by an append.
    const stored = new Map<string, ReferenceColumn>();
    const saved = await this.prisma.$transaction(async (tx) => {
      stored.clear();
      const [locked] = await tx.$queryRaw<{ rows: number; version: number }[]>`
        SELECT "referenceRows" AS rows, "referenceVersion" AS version FROM drift_monitors WHERE id = ${monitorId}::uuid FOR UPDATE`;
      const existing = append ? await tx.driftReference.findMany({ where: { monitorId } }) : [];
      for (const r of existing) stored.set(r.column, toReferenceColumn(r));
      if (!append) await tx.driftReference.deleteMany({ where: { monitorId } });
      for (const [column, ref] of columns) {
        const before = existing.find((r) => r.column === column);
        const merged = prepared(column, merge(ref, before && toReferenceColumn(before)));
        stored.set(column, merged);
        const data = toReferenceData(merged);
        if (data.rows > MAX_REFERENCE_ROWS)
          throw new ValidationFailed([
            { field: 'append', in: 'body', message: `column '${column}' would exceed ${MAX_REFERENCE_ROWS} rows` },
          ]);
        await tx.driftReference.upsert({
          where: { monitorId_column: { monitorId, column } },
          create: { monitorId, column, ...data },
          update: data,
        });
      }
      const all = await tx.driftReference.findMany({ where: { monitorId }, select: { rows: true } });
      const rows = Math.max(0, ...all.map((r) => r.rows));
      const m = await tx.driftMonitor.update({
        where: { id: monitorId },
        data: { referenceRows: rows, referenceVersion: { increment: 1 }, referenceUpdatedAt: new Date() },
      });
      // The values themselves are too large for the log: it keeps their size, version and columns.
      const after = { rows, version: m.referenceVersion, columns: [...columns.keys()], source: by.source, append };
      const entry = { actor: by.actor, target: monitorTarget(monitorId), model: m.model, before: locked ?? null, after };
      await recordAudit(tx, 'drift', { action: append ? 'reference.appended' : 'reference.set', ...entry });
      return { rows, version: m.referenceVersion };
    }, TX_OPTIONS);
    for (const [column, ref] of stored) stored.set(column, prepared(column, ref));
    await this.cache(monitorId, saved.version, stored);
    await this.forget(monitorId, saved.version - 1);
    return saved;
  }
}

/** `ref` appended to what the column held before (of the same kind), or `ref` alone. */
function merge(ref: ReferenceColumn, before: ReferenceColumn | undefined): ReferenceColumn {
  const missing = (ref.missing ?? 0) + (before?.missing ?? 0);
  if (ref.kind === 'numeric') {
    const old = before?.kind === 'numeric' ? before.values : new Float64Array();
    const all = new Float64Array(old.length + ref.values.length);
    all.set(old);
    all.set(ref.values, old.length);
    return { kind: 'numeric', values: all, missing };
  }
  const counts = before?.kind === 'categorical' ? before.counts : emptyCounts();
  for (const [k, c] of Object.entries(ref.counts)) counts[k] = (counts[k] ?? 0) + c;
  return { kind: 'categorical', counts, missing };
}
