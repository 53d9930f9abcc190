import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LearningPipeline } from '@modelyard/db';
import { ProgressiveValidator, type Metric } from '@modelyard/learners';
import type { LearningUpdateJob, SampleRow } from '@modelyard/types';
import { LearningMetrics } from '../learning.metrics.js';
import { metricsJson, specOf } from '../pipelines/pipelines.mapper.js';
import { PipelinesRepository, type UpdateRecord } from '../pipelines/pipelines.repository.js';
import { BufferStore } from '../samples/buffer.store.js';
import { runGate } from './gate.js';
import { createLearner, freshMetrics, LIFETIME_WINDOW, restoreLearner, toRecord } from './learner.js';
import { Registrar } from './registrar.js';

function values(metrics: readonly Metric[]): Record<string, number> {
  return Object.fromEntries(metrics.map((m) => [m.window === null ? m.name : `${m.name}@${m.window}`, m.get()]));
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
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(Registrar) private readonly registrar: Registrar,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  async run(p: LearningPipeline, job: LearningUpdateJob): Promise<UpdateRecord> {
    const startedAt = new Date();
    const spec = specOf(p);
    const seq = p.updateSeq + 1;
    const base = { pipelineId: p.id, seq, reason: job.reason, driftReportId: job.driftReportId ?? null, startedAt, experimentKey: null, version: null };
    const skip = (detail: string): UpdateRecord => ({
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
    });
    if (p.state === 'paused') return this.finish(p, skip('the pipeline is paused'));

    await this.buffer.trimTo(p.id, p.consumedThrough);
    const holdout = spec.gate.holdout;
    const checkpoint = await this.pipelines.latestCheckpoint(p.id);
    const reset = !checkpoint || (job.reason === 'drift' && p.onDrift === 'reset');
    const startSeen = reset ? 0n : p.samplesSeen;
    // Sample-driven runs of incremental and mini_batch pipelines learn batchSize samples at a time,
    // but never fewer than the model still lacks to reach minSamples: the trigger fires once the
    // buffer holds that many, and a run learning only batchSize of them would skip, forever.
    const groups = job.reason === 'samples' && (p.strategy === 'incremental' || p.strategy === 'mini_batch');
    const wanted = Math.max(p.batchSize, p.minSamples - Number(startSeen));
    const batch = await this.buffer.read(p.id, groups ? wanted + holdout : p.maxBuffer, p.consumedThrough);
    const trainCount = batch.rows.length - holdout;
    if (trainCount < 1) return this.finish(p, skip(`${batch.rows.length} samples buffered; an update needs more than the ${holdout} the gate holds out`));
    if (Number(startSeen) + trainCount < p.minSamples) return this.finish(p, skip(`waiting for minSamples ${p.minSamples}`));

    const model = reset ? createLearner(spec.learner) : restoreLearner(checkpoint.model);
    const lifetime = reset ? freshMetrics(spec.learner.type, LIFETIME_WINDOW) : ProgressiveValidator.fromJSON(checkpoint.progressive as never, model).metrics;
    const metricsBefore = values(lifetime);
    const update = freshMetrics(spec.learner.type);
    // One pass feeds both metric sets: this update's (registered) and the pipeline's rolling ones.
    const validator = new ProgressiveValidator(model, [...update, ...lifetime]);
    const sample = (r: SampleRow) => ({ x: toRecord(r, spec.features), y: r[p.target] as number });
    for (let i = 0; i < trainCount; i++) validator.process(sample(batch.rows[i]!));
    const metricsAfter = values(lifetime);

    const production = await this.registrar.production(p.model);
    const gate = runGate(spec.gate, model, batch.rows.slice(trainCount).map(sample), production);
    const samplesSeen = startSeen + BigInt(trainCount);
    const record: UpdateRecord = {
      ...base,
      outcome: gate.passed ? 'registered' : 'rejected',
      samples: trainCount,
      holdout,
      metricsBefore: metricsJson(metricsBefore),
      metricsAfter: metricsJson({ ...values(update), ...metricsAfter }),
      gate,
      detail: gate.reason,
      consumedThrough: BigInt(batch.head + trainCount),
      checkpoint: null,
    };
    if (gate.passed) {
      const version = await this.registrar.register({
        pipeline: p,
        seq,
        reason: job.reason,
        model,
        metrics: values(update),
        gate,
        samples: trainCount,
        samplesSeen,
        fromSample: batch.head,
        parentVersion: reset ? null : (checkpoint?.version ?? null),
        ...(job.driftReportId ? { driftReportId: job.driftReportId } : {}),
      });
      record.version = version.version;
      if (spec.register.startExperiment && production) {
        record.experimentKey = await this.registrar.startExperiment(p, version.version, production.version);
      }
      record.checkpoint = {
        model: model.toJSON(),
        progressive: new ProgressiveValidator(model, lifetime).toJSON(),
        samplesSeen,
        metrics: metricsJson(metricsAfter),
      };
    }
    const finished = await this.finish(p, record);
    if (gate.passed) for (const [metric, v] of Object.entries(metricsAfter)) if (Number.isFinite(v)) this.metrics.metric.set({ pipeline: p.name, metric }, v);
    return finished;
  }

  private async finish(p: LearningPipeline, record: UpdateRecord): Promise<UpdateRecord> {
    if (!(await this.pipelines.commit(record))) {
      this.logger.warn(`pipeline ${p.name}: run ${record.seq} was already committed by another worker; dropping this one`);
      return record;
    }
    await this.buffer.trimTo(p.id, record.consumedThrough);
    this.metrics.updates.inc({ pipeline: p.name, outcome: record.outcome });
    if (record.samples > 0) this.metrics.samplesProcessed.inc({ pipeline: p.name }, record.samples);
    return record;
  }
}
