import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '@modelyard/db';
import { PrismaService, ValidationFailed } from '@modelyard/platform';
import type { ReferenceColumn } from '../checks/drift-tests.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;
/** Largest reference per column: checks load and sort it on every run. */
export const MAX_REFERENCE_ROWS = 1_000_000;

const pack = (values: Float64Array): Uint8Array<ArrayBuffer> => new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength) as ArrayBuffer);
const unpack = (bytes: Uint8Array): Float64Array => new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

/** References stored compactly: one row per column, packed float64 or counts per category. */
@Injectable()
export class ReferenceRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async load(monitorId: string): Promise<Map<string, ReferenceColumn>> {
    const rows = await this.prisma.driftReference.findMany({ where: { monitorId } });
    return new Map(
      rows.map((r) => [
        r.column,
        r.kind === 'numeric' ? { kind: 'numeric' as const, values: unpack(r.values ?? new Uint8Array()) } : { kind: 'categorical' as const, counts: countsFromJson(r.counts) },
      ]),
    );
  }

  /**
   * Replaces (or, with `append`, extends) the given columns and bumps the monitor's reference
   * version, in one transaction under the monitor's row lock (two concurrent appends both count).
   */
  async save(monitorId: string, columns: Map<string, ReferenceColumn>, append: boolean): Promise<{ rows: number; version: number }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM drift_monitors WHERE id = ${monitorId}::uuid FOR UPDATE`;
      const existing = append ? await tx.driftReference.findMany({ where: { monitorId } }) : [];
      if (!append) await tx.driftReference.deleteMany({ where: { monitorId } });
      for (const [column, ref] of columns) {
        const before = existing.find((r) => r.column === column);
        const data = merge(ref, before);
        if (data.rows > MAX_REFERENCE_ROWS) throw new ValidationFailed([{ field: 'append', in: 'body', message: `column '${column}' would exceed ${MAX_REFERENCE_ROWS} rows` }]);
        await tx.driftReference.upsert({ where: { monitorId_column: { monitorId, column } }, create: { monitorId, column, ...data }, update: data });
      }
      const all = await tx.driftReference.findMany({ where: { monitorId }, select: { rows: true } });
      const rows = Math.max(0, ...all.map((r) => r.rows));
      const m = await tx.driftMonitor.update({
        where: { id: monitorId },
        data: { referenceRows: rows, referenceVersion: { increment: 1 }, referenceUpdatedAt: new Date() },
      });
      return { rows, version: m.referenceVersion };
    }, TX_OPTIONS);
  }
}

function merge(ref: ReferenceColumn, before: { kind: string; values: Uint8Array | null; counts: Prisma.JsonValue | null } | undefined) {
  if (ref.kind === 'numeric') {
    const old = before?.kind === 'numeric' && before.values ? unpack(before.values) : new Float64Array();
    const all = new Float64Array(old.length + ref.values.length);
    all.set(old);
    all.set(ref.values, old.length);
    return { kind: 'numeric', rows: all.length, values: pack(all), counts: undefined };
  }
  const counts = countsFromJson(before?.kind === 'categorical' ? before.counts : null);
  for (const [k, c] of Object.entries(ref.counts)) counts[k] = (counts[k] ?? 0) + c;
  return { kind: 'categorical', rows: Object.values(counts).reduce((s, c) => s + c, 0), values: null, counts: Object.entries(counts) };
}

/**
 * Category counts are stored as [category, count] pairs: as object keys, a category named
 * "__proto__" would not survive the JSON round trip. In memory they are a prototype-less record
 * (a category may be called "constructor"). Objects (the first stored form) are still read.
 */
function countsFromJson(json: Prisma.JsonValue | null): Record<string, number> {
  const counts = Object.create(null) as Record<string, number>;
  const pairs = Array.isArray(json) ? (json as [string, number][]) : Object.entries((json ?? {}) as Record<string, number>);
  for (const [category, count] of pairs) counts[category] = count;
  return counts;
}
