import type { DriftReport } from '@modelyard/db';
import { DriftReportBody, type ReportResponse } from '@modelyard/types';

/** A report as the service works with it: the row, its body parsed (once, here) and its counter a number. */
export type Report = Omit<DriftReport, 'body' | 'windowSeq' | 'labelSeq'> & { body: DriftReportBody; windowSeq: number; labelSeq: number };

/** What the dashboard shows of a monitor's latest report (the body is not read for it). */
export type ReportSummary = Pick<DriftReport, 'id' | 'severity' | 'driftedShare' | 'createdAt'>;

/** `body`: the parsed body when the caller has it (it just wrote it), so it is not parsed again. */
export function toReport(row: DriftReport, body: DriftReportBody = DriftReportBody.parse(row.body)): Report {
  return { ...row, body, windowSeq: Number(row.windowSeq), labelSeq: Number(row.labelSeq) };
}

export function toReportResponse(r: Report): ReportResponse {
  return {
    ...r.body,
    id: r.id,
    monitorId: r.monitorId,
    trigger: r.trigger,
    windowSeq: r.windowSeq,
    labelSeq: r.labelSeq,
    windowRecords: r.windowRecords,
    referenceRows: r.referenceRows,
    referenceVersion: r.referenceVersion,
    retrainTriggered: r.retrainTriggered,
    durationMs: r.durationMs,
    createdAt: r.createdAt.toISOString(),
  };
}
