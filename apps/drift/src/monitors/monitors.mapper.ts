import type { DriftMonitor } from '@modelyard/db';
import { redactUrl } from '@modelyard/platform';
import { AlertRule, ColumnSpec, FeatureSpec, type AlertSeverity, type MonitorResponse } from '@modelyard/types';
import { z } from 'zod';
import { CONFIDENCE, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type ColumnDef } from '../window/window.codec.js';

export const featuresOf = (m: DriftMonitor): FeatureSpec[] => z.array(FeatureSpec).parse(m.features);
export const predictionOf = (m: DriftMonitor): ColumnSpec | null => (m.prediction ? ColumnSpec.parse(m.prediction) : null);
export const labelOf = (m: DriftMonitor): ColumnSpec | null => (m.label ? ColumnSpec.parse(m.label) : null);
export const rulesOf = (m: DriftMonitor): AlertRule[] => z.array(AlertRule).parse(m.alertRules);

/** The stored column layout of a monitor's records: features, then prediction/label, then operational fields. */
export function layoutOf(m: DriftMonitor): ColumnDef[] {
  const prediction = predictionOf(m);
  const label = labelOf(m);
  return [
    ...featuresOf(m).map((f) => ({ name: f.name, kind: f.kind })),
    ...(prediction ? [{ name: PREDICTION, kind: prediction.kind }] : []),
    ...(label ? [{ name: LABEL, kind: label.kind }] : []),
    { name: CONFIDENCE, kind: 'numeric' as const },
    { name: LATENCY, kind: 'numeric' as const },
    { name: SUCCESS, kind: 'numeric' as const },
    { name: TS, kind: 'numeric' as const },
  ];
}

/**
 * Receivers such as Slack or Teams carry their credential in the URL's path: readers see the
 * origin only. The full URL is in the answer that set it, like the signing secret.
 */
export function maskWebhookUrl(url: string | null): string | null {
  if (url === null) return null;
  const u = new URL(url);
  return u.pathname === '/' && !u.search ? `${u.origin}/` : `${u.origin}/…`;
}

export function toMonitorResponse(m: DriftMonitor, recordsIngested: number, webhookSecret?: string): MonitorResponse {
  return {
    id: m.id,
    name: m.name,
    model: m.model,
    version: m.version,
    status: m.status,
    features: featuresOf(m),
    prediction: predictionOf(m),
    label: labelOf(m),
    window: { size: m.windowSize },
    schedule: { everySeconds: m.everySeconds },
    // The answer that set the URL shows it whole, but never a password in it.
    alerting: { webhookUrl: webhookSecret && m.webhookUrl ? redactUrl(m.webhookUrl) : maskWebhookUrl(m.webhookUrl), minSeverity: m.minSeverity as AlertSeverity, cooldownSeconds: m.cooldownSeconds },
    retrain: { pipelineId: m.retrainPipelineId, minSeverity: m.retrainMinSeverity as AlertSeverity, cooldownSeconds: m.retrainCooldownSeconds },
    alertRules: rulesOf(m),
    reference: { rows: m.referenceRows, version: m.referenceVersion, updatedAt: m.referenceUpdatedAt?.toISOString() ?? null },
    recordsIngested,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    ...(webhookSecret ? { webhookSecret } : {}),
  };
}
