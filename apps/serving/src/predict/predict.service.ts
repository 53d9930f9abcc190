import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '@modelyard/platform';
import type { PredictBody, PredictResponse } from '@modelyard/types';
import { ExperimentRouter, type UnitAssignment } from '../experiments/experiment-router.js';
import type { LoadedVersion } from '../models/loaded-version.js';
import type { Lease } from '../models/model-store.js';
import { ServingTable } from '../models/serving-table.js';
import { ServingMetrics } from '../serving.metrics.js';
import { PredictionTaps } from '../taps/prediction-taps.js';
import { infer, InferenceFailed } from './inference.js';
import { instancesToFeeds } from './instances.js';
import { perInstance } from './outputs.js';

/** POST /v1/models/:name/predict: route to a version (a unit's experiment variant), map the instances, run, answer per instance. */
@Injectable()
export class PredictService {
  constructor(
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(ServingMetrics) private readonly metrics: ServingMetrics,
    @Inject(PredictionTaps) private readonly taps: PredictionTaps,
    @Inject(ExperimentRouter) private readonly router: ExperimentRouter,
  ) {}

  predict(model: string, body: PredictBody): Promise<PredictResponse> {
    try {
      // Production or a target, already loaded: no promise before the inference's own.
      const route = this.router.routeNow(model, body);
      const lease = route && this.table.acquireNow(route.version);
      if (route && lease) return this.runLeased(lease, body, route.assignment);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.predictAsync(model, body);
  }

  private async predictAsync(model: string, body: PredictBody): Promise<PredictResponse> {
    const route = await this.router.route(model, body);
    return this.runLeased(await this.table.acquire(route.version), body, route.assignment);
  }

  private async runLeased(lease: Lease, body: PredictBody, assignment?: UnitAssignment): Promise<PredictResponse> {
    try {
      return await this.run(lease.loaded, body, assignment);
    } finally {
      lease.release();
    }
  }

  private async run(loaded: LoadedVersion, body: PredictBody, assignment?: UnitAssignment): Promise<PredictResponse> {
    const { model, version } = loaded.descriptor;
    const { layout, outputs } = loaded;
    if (!layout) {
      const how = `call POST /v2/models/${model}/versions/${version}/infer`;
      throw new ValidationFailed([
        {
          field: 'instances',
          in: 'body',
          message: `${model}@${version} has several inputs and no input schema: ${how}`,
        },
      ]);
    }
    const withProbabilities = body.return?.includes('probabilities') ?? false;
    if (withProbabilities && !outputs.probabilities) {
      throw new ValidationFailed([{ field: 'return', in: 'body', message: `${model}@${version} has no probabilities output` }]);
    }
    const feeds = instancesToFeeds(layout, body.instances);
    // The taps (prediction logs' confidence) use probabilities whenever the version has them.
    const wanted = outputs.probabilities ? [outputs.prediction, outputs.probabilities] : [outputs.prediction];
    const started = performance.now();
    const out = await infer(loaded, feeds, wanted, this.metrics);
    const latencyMs = performance.now() - started;
    const n = body.instances.length;
    try {
      const predictions = perInstance(out.get(outputs.prediction)!, n);
      const probabilities = outputs.probabilities ? (perInstance(out.get(outputs.probabilities)!, n) as number[][]) : undefined;
      const predictionIds = Array.from({ length: n }, () => randomUUID());
      this.metrics.of(loaded.descriptor).predictions.v1.inc(n);
      const featureNames = layout.features?.map((f) => f.name);
      this.taps.emit({
        model,
        version,
        instances: body.instances,
        featureNames,
        predictions,
        probabilities,
        predictionIds,
        latencyMs,
        ...assignment,
      });
      return {
        model,
        version,
        ...(assignment ? { experiment: assignment.experiment, variant: assignment.variant } : {}),
        predictions,
        ...(withProbabilities ? { probabilities } : {}),
        predictionIds,
      };
    } catch (err) {
      throw new InferenceFailed(loaded, err);
    }
  }
}
