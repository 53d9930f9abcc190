import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GateResult, LearningUpdateJob } from '@modelyard/types';
import { ExternalOffers } from '../external/external-offers.js';
import { LearningMetrics } from '../learning.metrics.js';
import type { Pipeline } from '../pipelines/pipeline.js';
import { BufferStore, type BufferedBatch } from '../samples/buffer.store.js';
import { runGate, type ProductionModel } from './gate.js';
import {
  builtinSpec,
  createLearner,
  isMulticlassModel,
  learnerMatches,
  learnNumeric,
  restoreLearner,
  toSample,
  type LabelledSample,
  type PipelineModel,
  type Progress,
} from './learner.js';
import { learnMulticlass } from './multiclass.js';
import { Registrar } from './registrar.js';
import type { Checkpoint, UpdateRecord } from './update.js';
import { planRun, skipReason } from './update-plan.js';
import { metricsJson } from './updates.mapper.js';
import { UpdatesRepository } from './updates.repository.js';

/** An external learner's update, queued for a worker (ExternalOffers) instead of run here. */
export interface HandedOff {
  outcome: 'handed_off';
  /** The external job (learning_external_jobs) the worker claims. */
  jobId: string;
  version: null;
}

/** The fields of a run's record known before it learns anything. */
type RunBase = Pick<UpdateRecord, 'pipelineId' | 'seq' | 'reason' | 'driftReportId' | 'startedAt' | 'experimentKey' | 'version'>;

/** What accepting a candidate adds to its run's record. */
type Accepted = Pick<UpdateRecord, 'version' | 'experimentKey' | 'checkpoint'>;

/** A candidate after learning a batch, test-then-train. */
interface Learned extends Progress {
  model: PipelineModel;
  trainCount: number;
  /** The most recent samples, kept out of learning for the gate. */
  holdout: LabelledSample[];
}

function skipped(base: RunBase, p: Pipeline, detail: string): UpdateRecord {
  return {
    ...base,
    outcome: 'skipped',
    samples: 0,
    holdout: 0,
    metricsBefore: {},
    metricsAfter: {},
    gate: null,
    detail,
    consumedThrough: p.consumedThrough,
    checkpoint: null,
  };
}

/**
 * One update of one pipeline (the caller holds the pipeline's lock):
 *  1. trim what the last committed run consumed, read the buffer (nothing is removed yet);
 *  2. split it: all but the most recent `gate.holdout` samples are learned, test-then-train, by the
 *     candidate (the current checkpoint's model, or a fresh learner on a first run or a `reset` drift
 *     run); the held-out ones stay buffered for the next run;
 *  3. gate the candidate against the production version on the held-out samples;
 *  4. if it passes, register it (version, artifact, stage, optional experiment);
 *  5. commit history + checkpoint + consumed mark in one transaction, then trim the buffer.
 * Any failure before 5 leaves the checkpoint and the buffer as they were, so the retry starts over.
 * A refused candidate is discarded with the samples it learned: the last accepted model stays.
 */
@Injectable()
export class UpdateRunner {
  private readonly logger = new Logger(UpdateRunner.name);

  constructor(
    @Inject(UpdatesRepository) private readonly updates: UpdatesRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(Registrar) private readonly registrar: Registrar,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
    @Inject(ExternalOffers) private readonly offers: ExternalOffers,
  ) {}

  async run(p: Pipeline, job: LearningUpdateJob): Promise<UpdateRecord | HandedOff> {
    const base: RunBase = {
      pipelineId: p.id,
      seq: p.updateSeq + 1,
      reason: job.reason,
      driftReportId: job.driftReportId ?? null,
      startedAt: new Date(),
      experimentKey: null,
      version: null,
    };
    if (p.state === 'paused') return this.finish(p, skipped(base, p, 'the pipeline is paused'));
    if (p.learner.type === 'external') return this.handOff(p, base, job);

    await this.buffer.trimTo(p.id, p.consumedThrough);
    const checkpoint = await this.updates.latestCheckpoint(p.id);
    const current = checkpoint !== null && learnerMatches(builtinSpec(p.learner), checkpoint.model);
    const plan = planRun({ ...p, holdout: p.gate.holdout }, job.reason, current);
    const batch = await this.buffer.read(p.id, plan.readLimit, p.consumedThrough);
    const skip = skipReason(batch.rows.length, p.gate.holdout, plan.startSeen, p.minSamples);
    if (skip) return this.finish(p, skipped(base, p, skip));

    const from = plan.reset ? null : checkpoint;
    const learned = this.learn(p, from, batch);
    const production = await this.registrar.production(p.model);
    const gate = runGate(p.gate, learned.model, learned.holdout, production);
    const record = this.judged(base, p, learned, gate, batch);
    if (gate.passed) {
      const samplesSeen = plan.startSeen + BigInt(learned.trainCount);
      Object.assign(record, await this.accept(p, job, { base, learned, gate, batch, production, samplesSeen, from }));
    }
    const finished = await this.finish(p, record);
    if (gate.passed) this.publish(p, learned.lifetime);
    return finished;
  }

  /**
   * An external learner's update is not run here: it is queued for an external worker to claim
   * (ExternalOffers), and recorded when the worker completes it. Nothing to learn is a skip, as here.
   */
  private async handOff(p: Pipeline, base: RunBase, job: LearningUpdateJob): Promise<UpdateRecord | HandedOff> {
    const offered = await this.offers.offer(p, job.reason, job.driftReportId ?? null);
    if ('skip' in offered) return this.finish(p, skipped(base, p, offered.skip));
    return { outcome: 'handed_off', jobId: offered.jobId, version: null };
  }

  /** Step 2: the candidate learns all but the held-out samples, test-then-train. */
  private learn(p: Pipeline, from: Checkpoint | null, batch: BufferedBatch): Learned {
    const model = from ? restoreLearner(from.model) : createLearner(builtinSpec(p.learner));
    const samples = batch.rows.map((r) => toSample(r, p.features, p.target));
    const trainCount = samples.length - p.gate.holdout;
    const train = samples.slice(0, trainCount);
    const previous = from?.progressive ?? null;
    const progress = isMulticlassModel(model) ? learnMulticlass(model, previous, train) : learnNumeric(model, previous, train);
    return { model, ...progress, trainCount, holdout: samples.slice(trainCount) };
  }

  /** The record of a run whose candidate was gated (registered or rejected). */
  private judged(base: RunBase, p: Pipeline, learned: Learned, gate: GateResult, batch: BufferedBatch): UpdateRecord {
    return {
      ...base,
      outcome: gate.passed ? 'registered' : 'rejected',
      samples: learned.trainCount,
      holdout: p.gate.holdout,
      metricsBefore: metricsJson(learned.before),
      metricsAfter: metricsJson({ ...learned.update, ...learned.lifetime }),
      gate,
      detail: gate.reason,
      consumedThrough: BigInt(batch.head + learned.trainCount),
      checkpoint: null,
    };
  }

  /** Step 4: registers the accepted candidate (and its experiment); returns what the record gains. */
  private async accept(p: Pipeline, job: LearningUpdateJob, c: Acceptance): Promise<Accepted> {
    const { learned, production } = c;
    const version = await this.registrar.register({
      pipeline: p,
      seq: c.base.seq,
      reason: job.reason,
      model: learned.model,
      metrics: learned.update,
      gate: c.gate,
      samples: learned.trainCount,
      samplesSeen: c.samplesSeen,
      fromSample: c.batch.head,
      parentVersion: c.from?.version ?? null,
      ...(job.driftReportId ? { driftReportId: job.driftReportId } : {}),
    });
    const experimentKey =
      p.register.startExperiment && production ? await this.registrar.startExperiment(p, version.version, production.version) : null;
    const checkpoint = {
      model: learned.model.toJSON(),
      progressive: learned.progressive,
      samplesSeen: c.samplesSeen,
      metrics: metricsJson(learned.lifetime),
    };
    return { version: version.version, experimentKey, checkpoint };
  }

  /** Step 5: commits the record (once per seq), then trims what it consumed. */
  private async finish(p: Pipeline, record: UpdateRecord): Promise<UpdateRecord> {
    if (!(await this.updates.commit(record))) {
      this.logger.warn(`pipeline ${p.name}: run ${record.seq} was already committed by another worker; dropping this one`);
      return record;
    }
    await this.buffer.trimTo(p.id, record.consumedThrough);
    this.metrics.updates.inc({ pipeline: p.name, outcome: record.outcome });
    if (record.samples > 0) this.metrics.samplesProcessed.inc({ pipeline: p.name }, record.samples);
    return record;
  }

  /** The current model's progressive metrics, for /metrics. */
  private publish(p: Pipeline, lifetime: Record<string, number>): void {
    for (const [metric, v] of Object.entries(lifetime)) {
      if (Number.isFinite(v)) this.metrics.metric.set({ pipeline: p.name, metric }, v);
    }
  }
}

/** What step 4 needs of the run so far. */
interface Acceptance {
  base: RunBase;
  learned: Learned;
  gate: GateResult;
  batch: BufferedBatch;
  production: ProductionModel | null;
  samplesSeen: bigint;
  /** The checkpoint the candidate continued from (its version is the new one's parent). */
  from: Checkpoint | null;
}
