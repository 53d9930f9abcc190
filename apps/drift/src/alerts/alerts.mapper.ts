import type { DriftAlert } from '@modelyard/db';
import type { AlertResponse } from '@modelyard/types';

export function toAlertResponse(a: DriftAlert): AlertResponse {
  return {
    id: a.id,
    monitorId: a.monitorId,
    model: a.model,
    kind: a.kind,
    key: a.key,
    severity: a.severity,
    message: a.message,
    reportId: a.reportId,
    status: a.status,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}
