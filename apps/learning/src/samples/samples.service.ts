import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '@modelyard/platform';
import type { SamplesBody, SamplesResponse } from '@modelyard/types';
import { LearningMetrics } from '../learning.metrics.js';
import { PipelinesRepository } from '../pipelines/pipelines.repository.js';
import { UpdateTrigger } from '../updates/update-trigger.js';
import { BufferStore } from './buffer.store.js';
import { sampleErrors, sampleSchemaOf } from './sample-validation.js';

@Injectable()
export class SamplesService {
  constructor(
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(UpdateTrigger) private readonly trigger: UpdateTrigger,
    @Inject(LearningMetrics) private readonly metrics: LearningMetrics,
  ) {}

  /** Validates the whole batch first (a bad row keeps nothing), then appends it to the buffer in one step. */
  async ingest(ref: string, body: SamplesBody): Promise<SamplesResponse> {
    const p = await this.pipelines.get(ref);
    const errors = sampleErrors(body.samples, sampleSchemaOf(p));
    if (errors.length) throw new ValidationFailed(errors);
    const { size, dropped } = await this.buffer.push(p.id, body.samples, p.maxBuffer, p.consumedThrough);
    if (dropped) this.metrics.bufferDropped.inc({ pipeline: p.name }, dropped);
    const updateJobId = await this.trigger.afterSamples(p, size, body.samples);
    return { accepted: body.samples.length, bufferSize: size, dropped, updateJobId };
  }
}
