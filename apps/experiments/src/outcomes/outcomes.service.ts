import { Inject, Injectable } from '@nestjs/common';
import { Conflict, ValidationFailed } from '@modelyard/platform';
import type { EventsBody, ExposuresBody, IngestResponse } from '@modelyard/types';
import { AssignmentService } from '../assignment/assignment.service.js';
import { metricKinds } from '../experiments/experiments.mapper.js';
import { ExperimentsRepository } from '../experiments/experiments.repository.js';
import { assignOutcomes, metricIssues, type BatchField, type OutcomeRow } from './outcome-rules.js';
import { OutcomesStore } from './outcomes.store.js';

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

  private async ingest(key: string, field: BatchField, rows: OutcomeRow[]): Promise<IngestResponse> {
    const e = await this.experiments.get(key);
    if (e.status !== 'running') throw new Conflict(`experiment '${key}' is ${e.status}; outcomes are accepted while it runs`);
    const kinds = metricKinds(e);
    const issues = metricIssues(field, rows, kinds);
    if (issues.length) throw new ValidationFailed(issues);

    const units = [...new Set(rows.map((r) => r.unit))];
    const assigned = new Map((await this.assignment.assignMany(key, units)).map((a) => [a.unit, a]));
    const { outcomes, ignored, errors } = assignOutcomes(field, rows, assigned, kinds);
    if (errors.length) throw new ValidationFailed(errors);
    return { accepted: await this.store.apply(e.id, outcomes), ignored };
  }
}
