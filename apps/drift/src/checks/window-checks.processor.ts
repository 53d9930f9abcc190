import { Inject, Injectable } from '@nestjs/common';
import { JobHandler, UnrecoverableError } from '@modelyard/platform';
import { DriftWindowCheckJob, JobName, QueueName, type WindowCheckResponse } from '@modelyard/types';
import { WindowChecksService } from './window-checks.service.js';

/** The worker side of time-window checks: the result is the job's return value, which polls read. */
@Injectable()
export class WindowChecksProcessor {
  constructor(@Inject(WindowChecksService) private readonly checks: WindowChecksService) {}

  @JobHandler(QueueName.driftChecks, JobName.driftWindowCheck)
  async handle(data: unknown): Promise<WindowCheckResponse> {
    const parsed = DriftWindowCheckJob.safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`malformed drift.window-check payload: ${parsed.error.message}`);
    return this.checks.run(parsed.data);
  }
}
