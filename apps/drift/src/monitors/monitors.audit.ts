import type { Prisma } from '@modelyard/db';
import { recordAudit } from '@modelyard/platform';
import { toMonitorResponse, type Monitor } from './monitors.mapper.js';

export const monitorTarget = (id: string) => `monitor:${id}`;

/** A monitor as its API shows it (webhook URL masked, no secret), but its ingestion count, which is no setting. */
function shown(m: Monitor | null) {
  if (!m) return null;
  const { recordsIngested, ...settings } = toMonitorResponse(m, 0);
  void recordsIngested;
  return settings;
}

/** A drift_audit_events entry for a monitor change, in the change's transaction. */
export function auditMonitor(tx: Prisma.TransactionClient, action: string, actor: string, before: Monitor | null, after: Monitor | null) {
  const subject = (after ?? before)!;
  return recordAudit(tx, 'drift', {
    action,
    actor,
    target: monitorTarget(subject.id),
    model: subject.model,
    before: shown(before),
    after: shown(after),
  });
}
