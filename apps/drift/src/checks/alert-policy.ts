import type { AlertSeverity, DriftReportBody } from '@modelyard/types';
import { atLeast } from './severity.js';

/** An alert a check would raise, before de-duplication. */
export interface AlertCandidate {
  kind: 'drift' | 'rule';
  /** De-duplication key: `drift`, or `rule:<signal><condition><threshold>` (`rule:<signal>[<feature>]…` for a feature's signal). */
  key: string;
  severity: AlertSeverity;
  message: string;
}

/** An alert already raised, as the de-duplication rule sees it. */
export interface PastAlert {
  key: string;
  severity: AlertSeverity;
  createdAt: Date;
}

export interface AlertingPolicy {
  model: string;
  name: string;
  /** Alerts below this severity are not raised at all. */
  minSeverity: AlertSeverity;
}

/**
 * The alerts a check's report calls for: its overall drift verdict (unless `none`) and each
 * broken rule, when at least the monitor's `minSeverity`.
 */
export function alertCandidates(monitor: AlertingPolicy, body: DriftReportBody): AlertCandidate[] {
  const candidates: AlertCandidate[] = [];
  if (body.severity !== 'none' && atLeast(body.severity, monitor.minSeverity)) {
    candidates.push({ kind: 'drift', key: 'drift', severity: body.severity, message: driftMessage(monitor, body) });
  }
  for (const rule of body.rules) {
    if (!atLeast(rule.severity, monitor.minSeverity)) continue;
    const on = rule.feature ? `[${rule.feature}]` : '';
    const key = `rule:${rule.signal}${on}${rule.condition}${rule.threshold}`;
    candidates.push({ kind: 'rule', key, severity: rule.severity, message: rule.message });
  }
  return candidates;
}

function driftMessage(monitor: AlertingPolicy, body: DriftReportBody): string {
  const drifted = body.features.filter((f) => f.drifted).map((f) => f.name);
  const features = `${drifted.length}/${body.features.length} features: ${drifted.slice(0, 10).join(', ')}`;
  const missing = body.quality.filter((q) => q.missingTest?.drifted).map((q) => q.name);
  const missingPart = missing.length ? `; missing share changed: ${missing.slice(0, 10).join(', ')}` : '';
  const prediction = body.prediction?.drifted ? '; prediction drifted' : '';
  return `${monitor.model}/${monitor.name}: ${body.severity} drift (${features}${missingPart}${prediction})`;
}

/** The start of the cool-down ending at `now`: alerts raised after it count for de-duplication. */
export const cooldownStart = (now: Date, cooldownSeconds: number): Date => new Date(now.getTime() - cooldownSeconds * 1000);

/**
 * De-duplication and escalation: a candidate is raised unless an alert with the same key and at
 * least its severity was raised within the cool-down (strictly after `now − cooldown`). A worse
 * one escalates at once; once the cool-down has passed, the same one is raised again.
 */
export function shouldRaise(
  candidate: Pick<AlertCandidate, 'key' | 'severity'>,
  past: readonly PastAlert[],
  cooldownSeconds: number,
  now: Date,
): boolean {
  const since = cooldownStart(now, cooldownSeconds).getTime();
  const recent = past.filter((a) => a.key === candidate.key && a.createdAt.getTime() > since);
  return !recent.some((a) => atLeast(a.severity, candidate.severity));
}

/**
 * The candidates to raise, in order. Each raised one counts as past for the next ones, so two
 * rules sharing a key (same signal, condition and threshold) raise one alert, or two when the
 * second is worse.
 */
export function alertsToRaise(
  candidates: readonly AlertCandidate[],
  past: readonly PastAlert[],
  cooldownSeconds: number,
  now: Date,
): AlertCandidate[] {
  const seen = [...past];
  const raised: AlertCandidate[] = [];
  for (const c of candidates) {
    if (!shouldRaise(c, seen, cooldownSeconds, now)) continue;
    raised.push(c);
    seen.push({ key: c.key, severity: c.severity, createdAt: now });
  }
  return raised;
}
