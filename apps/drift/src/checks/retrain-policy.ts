import type { AlertSeverity, Severity } from '@modelyard/types';
import { atLeast } from './severity.js';

export interface RetrainPolicy {
  /** The learning pipeline to retrain; none, no retraining. */
  retrainPipelineId: string | null;
  retrainMinSeverity: AlertSeverity;
  retrainCooldownSeconds: number;
}

/** A check asks for retraining when the monitor names a pipeline and its verdict reaches `retrainMinSeverity`. */
export function wantsRetrain(monitor: Pick<RetrainPolicy, 'retrainPipelineId' | 'retrainMinSeverity'>, severity: Severity): boolean {
  return monitor.retrainPipelineId !== null && severity !== 'none' && atLeast(severity, monitor.retrainMinSeverity);
}

/**
 * The cool-down claim: at most one retrain per cool-down. A check that wants retraining claims it
 * when no retrain was triggered yet, or the last one is at least `retrainCooldownSeconds` old
 * (exactly that old counts as over). The claim moves `lastRetrainAt` to `now`; it is made under the
 * monitor's lock with the report, so two checks never both claim.
 */
export function claimsRetrain(lastRetrainAt: Date | null, cooldownSeconds: number, now: Date): boolean {
  return lastRetrainAt === null || lastRetrainAt.getTime() <= now.getTime() - cooldownSeconds * 1000;
}
