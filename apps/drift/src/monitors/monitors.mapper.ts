import type { DriftMonitor } from '@modelyard/db';
import { redactUrl } from '@modelyard/platform';
import { AlertRule, ColumnSpec, FeatureSpec, type MonitorResponse } from '@modelyard/types';
import { z } from 'zod';
import { CONFIDENCE, ID, INVALID, LABEL, LATENCY, PREDICTION, SUCCESS, TS, type ColumnDef } from '../window/window.codec.js';

/** The JSON columns of a monitor, as written from the validated creation body. */
const MonitorJson = z.object({
  features: z.array(FeatureSpec),
  prediction: ColumnSpec.nullable(),
  label: ColumnSpec.nullable(),
  alertRules: z.array(AlertRule),
});
type MonitorJson = z.infer<typeof MonitorJson>;

/** A monitor as the service works with it: the row, its JSON columns parsed (once, here). */
export type Monitor = Omit<DriftMonitor, keyof MonitorJson> & MonitorJson;

export function toMonitor(row: DriftMonitor): Monitor {
  const { features, prediction, label, alertRules } = row;
  return { ...row, ...MonitorJson.parse({ features, prediction, label, alertRules }) };
}

/** The stored column layout of a monitor's records: features, then prediction/label, then operational fields. */
export function layoutOf(m: Monitor): ColumnDef[] {
  return [
    ...m.features.map((f) => ({ name: f.name, kind: f.kind })),
    ...(m.prediction ? [{ name: PREDICTION, kind: m.prediction.kind }] : []),
    ...(m.label ? [{ name: LABEL, kind: m.label.kind }] : []),
    { name: CONFIDENCE, kind: 'numeric' as const },
    { name: LATENCY, kind: 'numeric' as const },
    { name: SUCCESS, kind: 'numeric' as const },
    { name: TS, kind: 'numeric' as const },
    { name: ID, kind: 'categorical' as const },
    { name: INVALID, kind: 'categorical' as const },
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

export function toMonitorResponse(m: Monitor, recordsIngested: number, webhookSecret?: string): MonitorResponse {
  return {
    id: m.id,
    name: m.name,
    model: m.model,
    version: m.version,
    status: m.status,
    features: m.features,
    prediction: m.prediction,
    label: m.label,
    window: { size: m.windowSize },
    schedule: { everySeconds: m.everySeconds },
    // The answer that set the URL shows it whole, but never a password in it.
    alerting: {
      webhookUrl: webhookSecret && m.webhookUrl ? redactUrl(m.webhookUrl) : maskWebhookUrl(m.webhookUrl),
      minSeverity: m.minSeverity,
      cooldownSeconds: m.cooldownSeconds,
    },
    retrain: { pipelineId: m.retrainPipelineId, minSeverity: m.retrainMinSeverity, cooldownSeconds: m.retrainCooldownSeconds },
    alertRules: m.alertRules,
    labelHorizonSeconds: m.labelHorizonSeconds,
    onInvalid: m.onInvalid,
    reference: { rows: m.referenceRows, version: m.referenceVersion, updatedAt: m.referenceUpdatedAt?.toISOString() ?? null },
    recordsIngested,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    ...(webhookSecret ? { webhookSecret } : {}),
  };
}
