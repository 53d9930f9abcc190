import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed, type FieldError } from '@modelyard/platform';
import type { EventsBody, ExposuresBody, IngestResponse } from '@modelyard/types';
import { AssignmentService } from '../assignment/assignment.service.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { metricKinds } from '../experiments/experiments.mapper.js';
import { OutcomesStore, type Outcome } from './outcomes.store.js';

interface Row {
  unit: string;
  variant?: string;
  metric?: string;
  value?: number;
}

/**
 * Exposures and outcome events. Units not seen before are assigned first (the same sticky
 * assignment serving code gets); a row naming a variant other than the unit's is refused, and a
 * batch with any bad row is refused whole, so nothing of it is counted.
 */
@Injectable()
export class OutcomesService {
  constructor(
    @Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository,
    @Inject(AssignmentService) private readonly assignment: AssignmentService,
    @Inject(OutcomesStore) private readonly store: OutcomesStore,
  ) {}

  exposures(key: string, body: ExposuresBody): Promise<IngestResponse> {
    return this.ingest(key, 'exposures', body.exposures);
  }

  events(key: string, body: EventsBody): Promise<IngestResponse> {
    return this.ingest(key, 'events', body.events);
  }

  private async ingest(key: string, field: 'exposures' | 'events', rows: Row[]): Promise<IngestResponse> {
    const experiment = await this.experiments.get(key);
    if (experiment.status !== 'running') throw new Conflict(`experiment '${key}' is ${experiment.status}; outcomes are accepted while it runs`);
    const kinds = metricKinds(experiment);
    const errors: FieldError[] = [];
    rows.forEach((r, i) => {
      if (r.metric === undefined) return;
      const kind = kinds.get(r.metric);
      if (!kind) errors.push({ field: `${field}.${i}.metric`, in: 'body', message: `'${r.metric}' is not a metric of this experiment` });
      else if (kind === 'binomial' && r.value !== 0 && r.value !== 1) {
        errors.push({ field: `${field}.${i}.value`, in: 'body', message: 'a binomial metric takes 0 or 1' });
      }
    });
    if (errors.length) throw new ValidationFailed(errors);

    const units = [...new Set(rows.map((r) => r.unit))];
    const assigned = new Map((await this.assignment.assignMany(key, units)).map((a) => [a.unit, a]));
    const outcomes: Outcome[] = [];
    let ignored = 0;
    rows.forEach((r, i) => {
      const a = assigned.get(r.unit)!;
      if (!a.inExperiment || !a.variant) {
        ignored++;
        return;
      }
      if (r.variant && r.variant !== a.variant) {
        errors.push({ field: `${field}.${i}.variant`, in: 'body', message: `unit '${r.unit}' is assigned to '${a.variant}'` });
        return;
      }
      outcomes.push({ unit: r.unit, variant: a.variant, metric: r.metric ?? '', value: r.value ?? 0, binary: kinds.get(r.metric ?? '') === 'binomial' });
    });
    if (errors.length) throw new ValidationFailed(errors);
    return { accepted: await this.store.apply(experiment.id, outcomes), ignored };
  }
}
