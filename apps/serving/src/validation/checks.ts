import type { JsonObject, ValidationCheck } from '@modelyard/types';
import type { Feature } from '../runtime/input-schema.js';
import type { Layout } from '../runtime/layout.js';
import { isFloat, type HostTensor, type TensorSpec } from '../runtime/tensors.js';

/** The checks of a report, by name; each is a pure function of what was loaded and measured. */
export const CHECK = {
  artifact: 'artifact_loads',
  inputSchema: 'input_schema',
  monitorFeatures: 'monitor_features',
  outputShapes: 'output_shapes',
  smokeRun: 'smoke_run',
  latency: 'latency',
  metricFloors: 'metric_floors',
} as const;

const names = (list: readonly { name: string }[]) => list.map((x) => x.name).join(', ');
const passed = (name: string, detail: string, value?: number): ValidationCheck => ({ name, status: 'passed', detail, value });
const failed = (name: string, detail: string, value?: number): ValidationCheck => ({ name, status: 'failed', detail, value });
const skipped = (name: string, detail: string): ValidationCheck => ({ name, status: 'skipped', detail });
const shape = (s: readonly number[] | null) => (s ? `[${s.join(', ')}]` : '[?]');

/** Passed once the layout exists: the loader refuses (LoadError 'schema') a schema the graph contradicts. */
export function inputSchemaCheck(
  inputs: readonly TensorSpec[],
  features: readonly Feature[] | null,
  layout: Layout | null,
): ValidationCheck {
  const graph = inputs.map((i) => `${i.name} ${i.datatype}${shape(i.shape)}`).join(', ');
  if (!features) return skipped(CHECK.inputSchema, `the version declares no input schema; the model's inputs: ${graph}`);
  const how = layout?.kind === 'matrix' ? `the columns of input '${layout.input.name}'` : 'one input each';
  return passed(CHECK.inputSchema, `features (${names(features)}) are ${how}; the model's inputs: ${graph}`);
}

/** A drift monitor's view of the model: the features it expects in every prediction record. */
export interface MonitorFeatures {
  name: string;
  features: readonly { name: string; kind: 'numeric' | 'categorical' }[];
}

/**
 * Every feature a monitor watches must be an input of the version, of a kind the monitor can
 * test: otherwise the prediction records serving sends it lack the feature (or carry the wrong
 * type) and its drift checks go blind. Booleans pass either way (sent as numbers or strings).
 */
export function monitorFeaturesCheck(features: readonly Feature[] | null, monitors: readonly MonitorFeatures[] | string): ValidationCheck {
  if (typeof monitors === 'string') return skipped(CHECK.monitorFeatures, monitors);
  if (!monitors.length) return skipped(CHECK.monitorFeatures, 'no drift monitor watches this version');
  if (!features) return skipped(CHECK.monitorFeatures, 'the version declares no input schema to compare with its monitors');
  const byName = new Map(features.map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const m of monitors) {
    for (const f of m.features) {
      const input = byName.get(f.name);
      if (!input) problems.push(`monitor '${m.name}' watches '${f.name}', which is not an input of this version`);
      else if (input.kind !== 'boolean' && input.kind !== f.kind) {
        problems.push(`monitor '${m.name}' treats '${f.name}' as ${f.kind}, the input schema says ${input.kind}`);
      }
    }
  }
  const watched = monitors.map((m) => `'${m.name}'`).join(', ');
  return problems.length
    ? failed(CHECK.monitorFeatures, problems.join('; '), problems.length)
    : passed(CHECK.monitorFeatures, `the features of monitor(s) ${watched} are inputs of this version`);
}

/** Each output has one row per instance and the rank and fixed dimensions the graph declares. */
export function outputShapesCheck(declared: readonly TensorSpec[], got: ReadonlyMap<string, HostTensor>, n: number): ValidationCheck {
  const problems: string[] = [];
  for (const spec of declared) {
    const t = got.get(spec.name);
    if (!t) {
      problems.push(`output '${spec.name}' was not returned`);
      continue;
    }
    const fixedOk = spec.shape === null || (spec.shape.length === t.shape.length && spec.shape.every((d, k) => d < 0 || d === t.shape[k]));
    if (t.shape[0] !== n) problems.push(`output '${spec.name}' has shape ${shape(t.shape)} for ${n} instances`);
    else if (!fixedOk) problems.push(`output '${spec.name}' has shape ${shape(t.shape)}, the graph declares ${shape(spec.shape)}`);
  }
  const all = declared.map((o) => `${o.name} ${shape(got.get(o.name)?.shape ?? null)}`).join(', ');
  return problems.length ? failed(CHECK.outputShapes, problems.join('; ')) : passed(CHECK.outputShapes, `for ${n} instances: ${all}`);
}

/** The smoke run answered, with no NaN or infinity in a float output. */
export function smokeRunCheck(source: string, n: number, got: ReadonlyMap<string, HostTensor>): ValidationCheck {
  const bad = [...got].filter(([, t]) => isFloat(t.datatype) && (t.data as Float64Array).some((x) => !Number.isFinite(x)));
  if (bad.length) return failed(CHECK.smokeRun, `${source}: output(s) ${bad.map(([name]) => name).join(', ')} hold NaN or infinity`);
  return passed(CHECK.smokeRun, `${n} instance(s) from ${source} ran`, n);
}

export function smokeRunFailed(source: string, err: unknown): ValidationCheck {
  return failed(CHECK.smokeRun, `${source}: the model could not run: ${err instanceof Error ? err.message : String(err)}`);
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencyCheck(samplesMs: readonly number[]): { check: ValidationCheck; p50: number; p99: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const [p50, p99] = [percentile(sorted, 50), percentile(sorted, 99)].map((x) => Math.round(x * 1000) / 1000) as [number, number];
  const detail = `one instance: p50 ${p50} ms, p99 ${p99} ms over ${sorted.length} runs (in process, no HTTP)`;
  return { check: passed(CHECK.latency, detail, p99), p50, p99 };
}

/**
 * Declared floors: the version's `config.metricFloors`, `{ metric: minimum }` (its own `metrics`
 * must reach each). What a training pipeline or a person writes when registering the version.
 */
export function metricFloorsCheck(metrics: Record<string, number> | null, config: JsonObject | null): ValidationCheck {
  const floors = config && Object.hasOwn(config, 'metricFloors') ? config.metricFloors : undefined;
  if (floors === undefined) return skipped(CHECK.metricFloors, 'the version declares no metric floors (config.metricFloors)');
  if (floors === null || typeof floors !== 'object' || Array.isArray(floors)) {
    return failed(CHECK.metricFloors, 'config.metricFloors must be an object { metric: minimum }');
  }
  const problems: string[] = [];
  const met: string[] = [];
  for (const [name, floor] of Object.entries(floors)) {
    const value = metrics && Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    if (typeof floor !== 'number') problems.push(`config.metricFloors.${name} is not a number`);
    else if (value === undefined) problems.push(`${name}: the version has no value (floor ${floor})`);
    else if (value < floor) problems.push(`${name} ${value} is below its floor ${floor}`);
    else met.push(`${name} ${value} ≥ ${floor}`);
  }
  return problems.length
    ? failed(CHECK.metricFloors, problems.join('; '))
    : passed(CHECK.metricFloors, met.join(', ') || 'no floors listed');
}
