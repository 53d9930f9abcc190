import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, recordAudit, ValidationFailed } from '@modelyard/platform';
import { monitorTarget } from '../monitors/monitors.audit.js';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import { emptyCounts, toReferenceColumn, toReferenceData } from './reference.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;
/** Largest reference per column: checks load and sort it on every run. */
export const MAX_REFERENCE_ROWS = 1_000_000;

/** Who set a reference, and from what. */
export interface ReferenceChange {
  actor: string;
  source: 'upload' | 'window' | 'range';
}

/** References stored compactly: one row per column, packed float64 or counts per category. */
@Injectable()
export class ReferenceRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async load(monitorId: string): Promise<Map<string, ReferenceColumn>> {
    const rows = await this.prisma.driftReference.findMany({ where: { monitorId } });
    return new Map(rows.map((r) => [r.column, toReferenceColumn(r)]));
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
    return this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ rows: number; version: number }[]>`
        SELECT "referenceRows" AS rows, "referenceVersion" AS version FROM drift_monitors WHERE id = ${monitorId}::uuid FOR UPDATE`;
      const existing = append ? await tx.driftReference.findMany({ where: { monitorId } }) : [];
      if (!append) await tx.driftReference.deleteMany({ where: { monitorId } });
      for (const [column, ref] of columns) {
        const before = existing.find((r) => r.column === column);
        const data = toReferenceData(merge(ref, before && toReferenceColumn(before)));
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
