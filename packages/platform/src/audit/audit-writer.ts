import { Prisma } from '@modelyard/db';
import { isWebhookEvent, type AuditService } from '@modelyard/types';
import { currentRequestId } from '../http/request-context.js';
import { emitWebhookEvent } from '../webhooks/outbox.js';

/** One change, as every service records it: who did what to which target, from what to what, and why. */
export interface AuditEntry {
  /** Dotted, past tense: `experiment.started`, `api_key.revoked`. */
  action: string;
  /** The principal's id; `system` for a change nobody asked for at that moment (a tick, a schedule). */
  actor: string;
  /** What changed: `experiment:<key>`, `monitor:<id>`, `<model>@<version>`, … */
  target: string;
  /** The model the change concerns, when there is one (the registry's `model` filter). */
  model?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

type AuditRow = {
  modelName: string | null;
  action: string;
  actor: string;
  target: string;
  before: Prisma.InputJsonValue | typeof Prisma.DbNull;
  after: Prisma.InputJsonValue | typeof Prisma.DbNull;
  reason: string | null;
  requestId: string | null;
};
type Tx = Prisma.TransactionClient;

/**
 * Each service writes its own table only. The registry's table predates the others and calls the
 * target `subject`; the `platform_audit_log` view reads all of them as one.
 */
const WRITERS = new Map<AuditService, (tx: Tx, row: AuditRow) => Promise<unknown>>([
  ['registry', (tx, { target, ...row }) => tx.auditEvent.create({ data: { ...row, subject: target } })],
  ['platform', (tx, data) => tx.platformAuditEvent.create({ data })],
  ['experiments', (tx, data) => tx.experimentsAuditEvent.create({ data })],
  ['drift', (tx, data) => tx.driftAuditEvent.create({ data })],
  ['learning', (tx, data) => tx.learningAuditEvent.create({ data })],
  ['serving', (tx, data) => tx.servingAuditEvent.create({ data })],
]);

/** JSON columns hold plain JSON: dates become strings, undefined fields vanish, absent values are SQL NULL. */
const json = (value: unknown) =>
  value === undefined || value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

/**
 * Records an audit entry in `service`'s audit table with the caller's transaction, so the entry
 * commits or rolls back with the change it describes. The request id comes from the request
 * being served (null for background work). Actions that are webhook events also go to the
 * webhook outbox, in the same transaction.
 */
export async function recordAudit(tx: Tx, service: AuditService, entry: AuditEntry): Promise<void> {
  const requestId = currentRequestId() ?? null;
  const model = entry.model ?? null;
  const write = WRITERS.get(service);
  if (!write) throw new Error(`no audit table for service ${service}`);
  await write(tx, {
    modelName: model,
    action: entry.action,
    actor: entry.actor,
    target: entry.target,
    before: json(entry.before),
    after: json(entry.after),
    reason: entry.reason ?? null,
    requestId,
  });
  if (isWebhookEvent(entry.action)) {
    const { actor, target, before = null, after = null, reason = null } = entry;
    await emitWebhookEvent(tx, entry.action, { model, subject: target, actor, before, after, reason, requestId });
  }
}
