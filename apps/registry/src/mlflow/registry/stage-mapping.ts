import { ALLOWED_TRANSITIONS, type Stage } from '@modelyard/types';

/** MLflow's four stages (mlflow/entities/model_registry/model_version_stages.py). */
export const MLFLOW_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type MlflowStage = (typeof MLFLOW_STAGES)[number];

/**
 * What an MLflow client sees of our six stages. `testing` is not yet accepted for staging, so it
 * shows as None beside `draft`; `failed` is out of use, so it shows as Archived.
 */
const SHOWN = new Map<Stage, MlflowStage>([
  ['draft', 'None'],
  ['testing', 'None'],
  ['staging', 'Staging'],
  ['production', 'Production'],
  ['archived', 'Archived'],
  ['failed', 'Archived'],
]);

/** Where a transition to an MLflow stage takes a version among ours. */
const TARGET = new Map<MlflowStage, Stage>([
  ['None', 'draft'],
  ['Staging', 'staging'],
  ['Production', 'production'],
  ['Archived', 'archived'],
]);

export const toMlflowStage = (stage: Stage): MlflowStage => SHOWN.get(stage)!;

/** MLflow accepts stage names in any case ("staging", "PRODUCTION"); null when it is none of the four. */
export function parseMlflowStage(raw: string): MlflowStage | null {
  return MLFLOW_STAGES.find((s) => s.toLowerCase() === raw.trim().toLowerCase()) ?? null;
}

export const targetStage = (stage: MlflowStage): Stage => TARGET.get(stage)!;

/** Our stages an MLflow stage stands for (get-latest-versions, archive_existing_versions). */
export const stagesShownAs = (stage: MlflowStage): Stage[] => [...SHOWN].filter(([, shown]) => shown === stage).map(([ours]) => ours);

/**
 * The steps that take a version from `from` to the MLflow stage `to` through our allowed
 * transitions only (shortest path; MLflow allows any jump, we walk it step by step so every step
 * is checked and audited). Empty when the version already shows as `to`; null when no path exists.
 */
export function transitionPath(from: Stage, to: MlflowStage): Stage[] | null {
  if (toMlflowStage(from) === to) return [];
  const goal = targetStage(to);
  const previous = new Map<Stage, Stage | null>([[from, null]]);
  const queue: Stage[] = [from];
  while (queue.length) {
    const stage = queue.shift()!;
    if (stage === goal) break;
    for (const next of ALLOWED_TRANSITIONS[stage]) {
      if (previous.has(next)) continue;
      previous.set(next, stage);
      queue.push(next);
    }
  }
  if (!previous.has(goal)) return null;
  const path: Stage[] = [];
  for (let at: Stage | null = goal; at !== null && at !== from; at = previous.get(at) ?? null) path.unshift(at);
  return path;
}
