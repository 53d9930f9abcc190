import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PredictBody } from '@modelyard/types';
import type { VersionDescriptor } from '../models/loaded-version.js';
import { ServingTable } from '../models/serving-table.js';
import { Assignments } from './assignments.js';
import type { RoutedExperiment } from './running-experiment.js';
import { RoutingMetrics } from './routing.metrics.js';

/** A unit routed into an experiment: what the response and the exposure carry. */
export interface UnitAssignment {
  unit: string;
  experiment: string;
  variant: string;
}

export interface Route {
  version: VersionDescriptor;
  assignment?: UnitAssignment;
}

/** A failing experiments service is logged at most this often (every call with a unit would repeat it). */
const WARN_EVERY_MS = 10_000;

/**
 * Which version answers a predict call. A target names it; without one, a call with a unit on a
 * model whose experiment routes gets the unit's variant (Assignments: the experiments service's
 * sticky answer); everything else gets production. A unit outside the experiment (coverage) gets
 * production, and so does every unit while the experiments service cannot be asked (counted, and
 * no exposure is recorded: the unit was not served a variant).
 */
@Injectable()
export class ExperimentRouter {
  private readonly logger = new Logger(ExperimentRouter.name);
  private lastWarning = 0;

  constructor(
    @Inject(ServingTable) private readonly table: ServingTable,
    @Inject(Assignments) private readonly assignments: Assignments,
    @Inject(RoutingMetrics) private readonly metrics: RoutingMetrics,
  ) {}

  /** The route when no unit's assignment has to be asked for (no unit, a target, or no routing experiment); else null. */
  routeNow(model: string, body: Pick<PredictBody, 'target' | 'unit'>): Route | null {
    const experiment = body.unit && !body.target ? this.table.get(model)?.experiment : null;
    return experiment ? null : { version: this.table.resolve(model, body.target) };
  }

  async route(model: string, body: Pick<PredictBody, 'target' | 'unit'>): Promise<Route> {
    const experiment = body.unit && !body.target ? this.table.get(model)?.experiment : null;
    if (!experiment || !body.unit) return { version: this.table.resolve(model, body.target) };
    const variant = await this.variantOf(experiment, body.unit);
    const d = variant === null ? undefined : experiment.variants.get(variant);
    if (!d || variant === null) return { version: this.table.resolve(model) };
    this.metrics.routed.inc({ model, experiment: experiment.key, variant });
    return { version: d, assignment: { unit: body.unit, experiment: experiment.key, variant } };
  }

  private async variantOf(experiment: RoutedExperiment, unit: string): Promise<string | null> {
    try {
      return await this.assignments.variantOf(experiment, unit);
    } catch (err) {
      this.metrics.assignmentFailures.inc({ experiment: experiment.key });
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn(`experiment ${experiment.key}: cannot ask for assignments, answering with production: ${String(err)}`);
      }
      return null;
    }
  }
}
