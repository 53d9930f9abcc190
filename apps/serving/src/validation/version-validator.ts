import { performance } from 'node:perf_hooks';
import type { ValidationCheck, ValidationReportBody, VersionResponse } from '@modelyard/types';
import type { LoadedVersion } from '../models/loaded-version.js';
import { warmupFeeds } from '../models/version-loader.js';
import { instancesToFeeds } from '../predict/instances.js';
import type { HostTensor } from '../runtime/tensors.js';
import {
  CHECK,
  inputSchemaCheck,
  latencyCheck,
  metricFloorsCheck,
  monitorFeaturesCheck,
  outputShapesCheck,
  smokeRunCheck,
  smokeRunFailed,
  type MonitorFeatures,
} from './checks.js';
import { declaredExamples, syntheticInstances, type SmokeInstances } from './smoke-inputs.js';

/** Timed single-instance runs behind the latency figures (after the smoke run has warmed the session). */
export const LATENCY_RUNS = 20;
export const VALIDATOR = 'serving';

/** What the checks compare the loaded version with, fetched by the caller. */
export interface ValidationContext {
  /** The registry's version (metrics, config); null when it could not be read. */
  info: VersionResponse | null;
  /** The monitors watching the version, or why they could not be listed. */
  monitors: readonly MonitorFeatures[] | string;
}

interface Feeds {
  source: string;
  n: number;
  all: Map<string, HostTensor>;
  one: Map<string, HostTensor>;
}

/** The smoke run's feeds: the version's example, else synthetic instances, else the warm-up zeros. */
function smokeFeeds(loaded: LoadedVersion): Feeds {
  const { runner, layout, descriptor } = loaded;
  const chosen: SmokeInstances | null = (layout && declaredExamples(descriptor.inputSchema)) || syntheticInstances(layout);
  if (!chosen || !layout) {
    const zeros = warmupFeeds(runner, layout);
    return { source: 'zeros for every input', n: 1, all: zeros, one: zeros };
  }
  return {
    source: chosen.source,
    n: chosen.instances.length,
    all: instancesToFeeds(layout, chosen.instances),
    one: instancesToFeeds(layout, chosen.instances.slice(0, 1)),
  };
}

async function timedRuns(loaded: LoadedVersion, feeds: Map<string, HostTensor>, prediction: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const start = performance.now();
    await loaded.runner.run(feeds, [prediction]);
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Smoke run, output shapes and latency: the checks that run the model. */
async function runChecks(loaded: LoadedVersion): Promise<{ checks: ValidationCheck[]; latency?: { p50: number; p99: number } }> {
  let feeds: Feeds;
  try {
    feeds = smokeFeeds(loaded);
  } catch (err) {
    // The version's own example does not fit its schema: that is the smoke run's finding.
    return { checks: [smokeRunFailed('inputSchema example', err)] };
  }
  let out: Map<string, HostTensor>;
  try {
    out = await loaded.runner.run(feeds.all);
  } catch (err) {
    return { checks: [smokeRunFailed(feeds.source, err)] };
  }
  const checks = [smokeRunCheck(feeds.source, feeds.n, out), outputShapesCheck(loaded.runner.outputs, out, feeds.n)];
  try {
    const latency = latencyCheck(await timedRuns(loaded, feeds.one, loaded.outputs.prediction));
    return { checks: [...checks, latency.check], latency };
  } catch (err) {
    return { checks: [...checks, smokeRunFailed(`${feeds.source} (one instance)`, err)] };
  }
}

/**
 * The report on a loaded version: its input schema against the graph and against the drift
 * monitors' features, a smoke run (its example input, else synthetic instances) with the output
 * shapes, single-instance latency, and the version's declared metric floors. Failed exactly when
 * a check failed; a check with nothing to compare with is skipped.
 */
export async function validateLoaded(loaded: LoadedVersion, ctx: ValidationContext): Promise<ValidationReportBody> {
  const d = loaded.descriptor;
  const features = loaded.layout?.features ?? null;
  const run = await runChecks(loaded);
  const checks: ValidationCheck[] = [
    { name: CHECK.artifact, status: 'passed', detail: `${d.format} ${d.artifact} (${d.size} bytes) loaded` },
    inputSchemaCheck(loaded.runner.inputs, features, loaded.layout),
    monitorFeaturesCheck(features, ctx.monitors),
    ...run.checks,
    ctx.info
      ? metricFloorsCheck(ctx.info.metrics, ctx.info.config)
      : { name: CHECK.metricFloors, status: 'skipped', detail: 'the registry did not answer for the version' },
  ];
  return {
    status: checks.some((c) => c.status === 'failed') ? 'failed' : 'passed',
    checks,
    validator: VALIDATOR,
    artifact: { path: d.artifact, sha256: d.sha256 },
    runtime: {
      format: d.format,
      ...(run.latency ? { runs: LATENCY_RUNS, latencyP50Ms: run.latency.p50, latencyP99Ms: run.latency.p99 } : {}),
    },
  };
}
