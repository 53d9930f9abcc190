import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { decodeCursor, PrismaService, recordAudit, type ModelFilter } from '@modelyard/platform';
import { AuditService, type AuditQuery } from '@modelyard/types';

export type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  model: string | null;
  action: string;
  actor: string;
  subject: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** A row of the `platform_audit_log` view: every service's audit table, merged. */
export interface AuditLogRow {
  service: AuditService;
  id: bigint;
  modelName: string | null;
  action: string;
  actor: string;
  target: string;
  before: Prisma.JsonValue;
  after: Prisma.JsonValue;
  reason: string | null;
  requestId: string | null;
  at: Date;
}

/** The merged log's order, newest first: ids are per table, so the service breaks ties between tables. */
interface AuditPosition {
  at: Date;
  service: AuditService;
  id: bigint;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([a-z]+)~(\d{1,19})$/;
const MAX_BIGINT = 2n ** 63n - 1n;

export function auditCursorKey(row: AuditPosition): string {
  return `${row.at.toISOString()}~${row.service}~${row.id}`;
}

function parseAuditCursor(raw: string): AuditPosition | null {
  const match = CURSOR.exec(raw);
  if (!match) return null;
  const at = new Date(match[1]!);
  const service = AuditService.safeParse(match[2]);
  const id = BigInt(match[3]!);
  if (Number.isNaN(at.getTime()) || !service.success || id > MAX_BIGINT) return null;
  return { at, service: service.data, id };
}

/** `at` columns hold UTC without a zone: compare with UTC text, whatever the session's time zone. */
const utc = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;

/** The conditions of an audit query, each a parameter of the statement (never text of it). */
function auditConditions(query: AuditQuery, after: AuditPosition | undefined): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (query.service) conditions.push(Prisma.sql`"service" = ${query.service}`);
  if (query.model) conditions.push(Prisma.sql`"modelName" = ${query.model}`);
  if (query.actor) conditions.push(Prisma.sql`"actor" = ${query.actor}`);
  if (query.target) conditions.push(Prisma.sql`"target" = ${query.target}`);
  // starts_with, not LIKE: `_` is a wildcard to LIKE and a letter of action names.
  if (query.action) conditions.push(Prisma.sql`starts_with("action", ${query.action})`);
  if (query.since) conditions.push(Prisma.sql`"at" >= ${utc(new Date(query.since))}`);
  if (query.until) conditions.push(Prisma.sql`"at" < ${utc(new Date(query.until))}`);
  if (after) conditions.push(Prisma.sql`("at", "service", "id") < (${utc(after.at)}, ${after.service}, ${after.id})`);
  return conditions;
}

/**
 * The entries of models the caller may read (ModelFilter from TeamAccess.readableModels). Entries
 * about no model stay visible to callers who read by global role (`except`), as in every list.
 */
function readableCondition(readable: ModelFilter): Prisma.Sql | null {
  if (readable.kind === 'all') return null;
  if (readable.kind === 'only')
    return readable.models.length ? Prisma.sql`"modelName" IN (${Prisma.join(readable.models)})` : Prisma.sql`FALSE`;
  return readable.models.length ? Prisma.sql`("modelName" IS NULL OR "modelName" NOT IN (${Prisma.join(readable.models)}))` : null;
}

/**
 * The audit log. `record` takes the caller's transaction: the entry commits or rolls back with the
 * change. Actions that are webhook events also go to the webhook outbox, in the same transaction.
 * `list` reads every service's log, merged (the `platform_audit_log` view).
 */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  record(tx: Tx, entry: AuditEntry): Promise<void> {
    const { subject, ...rest } = entry;
    return recordAudit(tx, 'registry', { ...rest, target: subject });
  }

  /** `readable`: the models whose entries the caller may read. */
  list(query: AuditQuery, readable: ModelFilter): Promise<AuditLogRow[]> {
    const conditions = auditConditions(query, decodeCursor(query.cursor, parseAuditCursor));
    const visible = readableCondition(readable);
    if (visible) conditions.push(visible);
    const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
    return this.prisma.$queryRaw<AuditLogRow[]>`
      SELECT "service", "id", "modelName", "action", "actor", "target", "before", "after", "reason", "requestId", "at"
      FROM "platform_audit_log" ${where}
      ORDER BY "at" DESC, "service" DESC, "id" DESC
      LIMIT ${query.limit + 1}`;
  }
}
