import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Conflict, NotFound, QueueService } from '@modelyard/platform';
import {
  DriftWindowCheckJob,
  JobName,
  QueueName,
  WindowCheckResponse,
  type TimeWindow,
  type WindowCheckJobResponse,
  type WindowCheckStatus,
} from '@modelyard/types';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { BucketStore } from '../window/bucket-store.js';
import { windowHours } from './window-checks.service.js';

/** A window check's job id: one job per request (a time window's content changes while it is ingested). */
export const windowCheckJobId = (monitorId: string, checkId: string) => `drift-window-check:${monitorId}:${checkId}`;

/** Results are kept this long with their job; a poll after that answers 404. */
const KEEP_SECONDS = 24 * 3600;

const STATUS_OF_STATE = new Map<string, WindowCheckStatus>([
  ['completed', 'done'],
  ['failed', 'failed'],
  ['active', 'running'],
]);

/**
 * The API side of time-window checks: a request is checked cheaply (reference, any record in the
 * window), queued as a `drift.window-check` job and answered with its id at once; the worker does
 * the reading and merging (seconds of CPU must not stall the API's event loop); clients poll.
 */
@Injectable()
export class WindowCheckJobsService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(BucketStore) private readonly buckets: BucketStore,
    @Inject(QueueService) private readonly queues: QueueService,
  ) {}

  async request(monitorId: string, window: TimeWindow): Promise<WindowCheckJobResponse> {
    const monitor = await this.monitors.get(monitorId);
    if (monitor.referenceRows === 0) throw new Conflict('the monitor has no reference yet: upload one or freeze the window');
    const requestedAt = new Date();
    if (!(await this.buckets.hasData(monitor.id, windowHours(window, requestedAt.getTime()))))
      throw new Conflict('no records in this time window');
    const data: DriftWindowCheckJob = { monitorId: monitor.id, checkId: randomUUID(), window, requestedAt: requestedAt.toISOString() };
    await this.queues.enqueueUnique(QueueName.driftChecks, JobName.driftWindowCheck, data, windowCheckJobId(monitor.id, data.checkId), {
      attempts: 3,
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
    });
    return { ...data, status: 'queued', result: null, error: null };
  }

  async status(monitorId: string, checkId: string): Promise<WindowCheckJobResponse> {
    const id = windowCheckJobId(monitorId, checkId);
    const read = await this.queues.job(QueueName.driftChecks, id);
    const data = DriftWindowCheckJob.safeParse(read?.data);
    if (!read || !data.success || data.data.monitorId !== monitorId) throw new NotFound('window check', checkId);
    const state = await read.getState();
    // The job was read before its state: it may have finished in between, so a finished job is read
    // again for its result (else a poll at that moment saw `completed` with no result yet).
    const job = state === 'completed' || state === 'failed' ? ((await this.queues.job(QueueName.driftChecks, id)) ?? read) : read;
    // A failed attempt that will be retried is still under way.
    const status = STATUS_OF_STATE.get(state) ?? 'queued';
    const result = status === 'done' ? WindowCheckResponse.parse(job.returnvalue) : null;
    return { ...data.data, status, result, error: status === 'failed' ? job.failedReason : null };
  }
}
