import type { DriftReport } from '@modelyard/db';
import { DriftReportBody, type ReportResponse } from '@modelyard/types';

export function toReportResponse(r: DriftReport): ReportResponse {
  return {
    ...DriftReportBody.parse(r.body),
    id: r.id,
    monitorId: r.monitorId,
    trigger: r.trigger as ReportResponse['trigger'],
    windowSeq: Number(r.windowSeq),
    windowRecords: r.windowRecords,
    referenceRows: r.referenceRows,
    referenceVersion: r.referenceVersion,
    retrainTriggered: r.retrainTriggered,
    durationMs: r.durationMs,
    createdAt: r.createdAt.toISOString(),
  };
}
