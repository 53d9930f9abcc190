import { Inject, Injectable } from '@nestjs/common';
import { ChangeAnnouncer, Conflict, toPage, ValidationFailed, type Principal } from '@modelyard/platform';
import { CHANGE_NOTICES, type BuiltinLearnerSpec, type PageQuery, type TuneBody } from '@modelyard/types';
import type { Pipeline } from '../pipelines/pipeline.js';
import { toPipelineResponse } from '../pipelines/pipelines.mapper.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { linearSpec } from '../updates/learner.js';
import { UpdateTrigger } from '../updates/update-trigger.js';
import { defaultMinSamples, rungSizes } from './asha.js';
import { configurations } from './search-space.js';
import { TrialRunner } from './trial.runner.js';
import { learnerConflict, samplesConflict, tuneIssues } from './tuning-rules.js';
import type { Trial, Tuning } from './tuning.js';
import { toTuningResponse } from './tunings.mapper.js';
import { TuningsRepository } from './tunings.repository.js';

/**
 * Hyperparameter searches of a pipeline's learner: started on a snapshot of its buffered samples,
 * run by the trial workers (TrialRunner), and their best configuration applied to the pipeline or
 * registered through a normal update (gate, registration, experiment).
 */
@Injectable()
export class TuningsService {
  constructor(
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(TuningsRepository) private readonly tunings: TuningsRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(TrialRunner) private readonly runner: TrialRunner,
    @Inject(UpdateTrigger) private readonly triggers: UpdateTrigger,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
  ) {}

  async start(ref: string, body: TuneBody, who: Principal) {
    const p = await this.pipelines.get(ref);
    const external = learnerConflict(p);
    if (external) throw new Conflict(external);
    // The samples every trial learns, in buffer order: a snapshot, as updates trim the buffer meanwhile.
    const { rows } = await this.buffer.read(p.id, body.budget.maxSamples, p.consumedThrough);
    const conflict = samplesConflict(p, rows.length);
    if (conflict) throw new Conflict(conflict);
    const issues = tuneIssues(p, body, rows.length);
    if (issues.length) throw new ValidationFailed(issues);
    const { trials: count, eta } = body.budget;
    const rungs = rungSizes(rows.length, body.budget.minSamples ?? defaultMinSamples(rows.length, count, eta), eta);
    const configs = configurations(body.space, linearSpec(p.learner), { sampler: body.sampler, count, seed: body.seed });
    const created = await this.tunings.create({ pipelineId: p.id, request: body, rungs, samples: rows, configs, createdBy: who.id });
    await this.runner.queue(created.trials);
    return toTuningResponse(created.tuning, created.trials, p.name);
  }

  async get(ref: string, id: string) {
    const p = await this.pipelines.get(ref);
    const { tuning, trials } = await this.tunings.get(p.id, id);
    return toTuningResponse(tuning, trials, p.name);
  }

  async list(ref: string, query: PageQuery) {
    const p = await this.pipelines.get(ref);
    const rows = await this.tunings.list(p.id, query);
    return toPage(
      rows,
      query.limit,
      (r) => stripTrials(toTuningResponse(r.tuning, r.trials, p.name)),
      (r) => r.tuning.id,
    );
  }

  /** Sets the pipeline's learner to the best configuration; its next update starts from a fresh learner of it. */
  async apply(ref: string, id: string, who: Principal) {
    const { pipeline } = await this.applyBest(ref, id, who);
    return toPipelineResponse(pipeline);
  }

  /**
   * Applies the best configuration and runs an update now: a fresh learner of it learns the
   * buffer and goes through the pipeline's gate, registration and experiment like any update.
   */
  async register(ref: string, id: string, who: Principal) {
    const current = await this.pipelines.get(ref);
    if (current.state !== 'active') throw new Conflict(`pipeline '${current.name}' is paused; resume it first`);
    const { pipeline, tuning } = await this.applyBest(ref, id, who);
    return { tuning: tuning.id, jobId: await this.triggers.enqueue(pipeline, 'manual') };
  }

  private async applyBest(ref: string, id: string, who: Principal): Promise<{ pipeline: Pipeline; tuning: Tuning }> {
    const p = await this.pipelines.get(ref);
    const { tuning, trials } = await this.tunings.get(p.id, id);
    const best = bestOf(tuning, trials);
    const learner: BuiltinLearnerSpec = { ...linearSpec(p.learner), ...best.params };
    const pipeline = await this.tunings.apply(tuning, learner, who.id);
    await this.announcer.announce(CHANGE_NOTICES.pipeline, pipeline.model);
    return { pipeline, tuning };
  }
}

/** The finished tuning's best trial; 409 while it runs or when every trial failed. */
function bestOf(tuning: Tuning, trials: readonly Trial[]): Trial {
  if (tuning.status === 'running') throw new Conflict(`tuning ${tuning.id} is still running; its best configuration may change`);
  const best = trials.find((t) => t.id === tuning.bestTrialId);
  if (tuning.status === 'failed' || !best) throw new Conflict(`tuning ${tuning.id} has no best configuration: every trial failed`);
  return best;
}

function stripTrials<T extends { trials: unknown }>(response: T): Omit<T, 'trials'> {
  const { trials: _trials, ...summary } = response;
  return summary;
}
