import { Prisma, type PrismaClient } from '@modelyard/db';
import type { AuditService } from '@modelyard/types';
import { AUDIT_TABLES } from './audit-tables.js';

/** One archived entry: a line of the NDJSON archive. */
export interface ArchivedAuditEvent {
  service: AuditService;
  id: string;
  model: string | null;
  action: string;
  actor: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  at: string;
}

/** A batch as written to storage. */
export interface AuditBatch {
  service: AuditService;
  rows: ArchivedAuditEvent[];
  ndjson: Buffer;
  firstId: bigint;
  lastId: bigint;
  firstAt: Date;
  lastAt: Date;
}

export interface AuditArchiveOptions<Stored> {
  prisma: PrismaClient;
  service: AuditService;
  /** Entries older than this are archived. */
  before: Date;
  /** Writes the batch durably (resolves only once it is stored); what it returns goes to `commit`. */
  store(batch: AuditBatch): Promise<Stored>;
  /** Records where the batch went, in the transaction that deletes its rows. */
  commit(tx: Prisma.TransactionClient, batch: AuditBatch, stored: Stored): Promise<void>;
  /** Entries per archive object. */
  batchSize?: number;
}

interface Row {
  id: bigint;
  modelName: string | null;
  action: string;
  actor: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  at: Date;
}

const DEFAULT_BATCH = 5_000;

/**
 * Moves a service's audit entries older than `before` to storage, a batch at a time: the batch is
 * read, written to storage as NDJSON (one entry per line, oldest first), and only then deleted, by
 * id, in a transaction that allows the append-only trigger's one exception
 * (`modelyard.audit_archive`). Entries never change, so what is deleted is exactly what was
 * stored; a crash between the two leaves the rows, and the next run stores the same batch again.
 * Run it from one place at a time per service (a scheduled job).
 */
export async function archiveAuditEvents<Stored>(o: AuditArchiveOptions<Stored>): Promise<{ rows: number; batches: number }> {
  const table = AUDIT_TABLES.get(o.service);
  if (!table) throw new Error(`no audit table for service ${o.service}`);
  const from = Prisma.raw(`"${table.table}"`);
  const target = Prisma.raw(`"${table.target}"`);
  const limit = o.batchSize ?? DEFAULT_BATCH;
  const cutoff = o.before.toISOString();
  let rows = 0;
  let batches = 0;
  for (;;) {
    const found = await o.prisma.$queryRaw<Row[]>`
      SELECT "id", "modelName", "action", "actor", ${target} AS "target", "before", "after", "reason", "requestId", "at"
      FROM ${from} WHERE "at" < ${cutoff}::timestamp(3) ORDER BY "id" LIMIT ${limit}`;
    if (found.length === 0) break;
    const batch = toBatch(o.service, found);
    const stored = await o.store(batch);
    await o.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL modelyard.audit_archive = 'on'`;
      await tx.$executeRaw`DELETE FROM ${from} WHERE "id" IN (${Prisma.join(found.map((r) => r.id))})`;
      await o.commit(tx, batch, stored);
    });
    rows += found.length;
    batches++;
    if (found.length < limit) break;
  }
  return { rows, batches };
}

function toBatch(service: AuditService, found: Row[]): AuditBatch {
  const rows = found.map((r): ArchivedAuditEvent => ({
    service,
    id: r.id.toString(),
    model: r.modelName,
    action: r.action,
    actor: r.actor,
    target: r.target,
    before: r.before ?? null,
    after: r.after ?? null,
    reason: r.reason,
    requestId: r.requestId,
    at: r.at.toISOString(),
  }));
  const ndjson = Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
  const ats = found.map((r) => r.at.getTime());
  return {
    service,
    rows,
    ndjson,
    firstId: found[0]!.id,
    lastId: found.at(-1)!.id,
    firstAt: new Date(Math.min(...ats)),
    lastAt: new Date(Math.max(...ats)),
  };
}
