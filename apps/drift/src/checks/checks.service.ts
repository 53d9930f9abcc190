import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DriftMonitor } from '@modelyard/db';
import { Conflict, DeliveryQueue, QueueService } from '@modelyard/platform';
import { JobName, QueueName, type AlertSeverity, type DriftCheckJob, type RetrainJob } from '@modelyard/types';
import { DriftMetrics } from '../drift.metrics.js';
import { featuresOf, labelOf, layoutOf, predictionOf, rulesOf } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { ReferenceRepository } from '../reference/reference.repository.js';
import { decodeChunks } from '../window/window.codec.js';
import { WindowStore } from '../window/window.store.js';
import { analyse } from './drift-analysis.js';
import { ReportsRepository, type AlertCandidate } from './reports.repository.js';
import { atLeast } from './severity.js';

/** How long `POST /check` waits for the worker's report. */
const ON_DEMAND_WAIT_MS = 60_000;

export type CheckOutcome = { status: 'reported'; reportId: string } | { status: 'skipped'; reason: string };
/** The skip reason of a check whose monitor no longer exists (its scheduler removes itself on it). */
export const MONITOR_DELETED = 'monitor deleted';

/** The job id of a check of one window: one job, and one report, per window and reference version. */
export const checkJobId = (monitorId: string, windowSeq: number, referenceVersion: number) => `drift-check:${monitorId}:${windowSeq}:${referenceVersion}`;

@Injectable()
export class ChecksService {
  private readonly logger = new Logger(ChecksService.name);

  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(DeliveryQueue) private readonly deliveries: DeliveryQueue,
    @Inject(DriftMetrics) private readonly metrics: DriftMetrics,
  ) {}

  /**
   * One check, as the worker runs it. Safe to re-run: the window's sequence number and the
   * reference version identify the report, so a retried or concurrent run of the same window
   * finds the report (re-queueing its retrain job, a no-op under its id) instead of writing another.
   */
  async run(job: DriftCheckJob): Promise<CheckOutcome> {
    const started = performance.now();
    const monitor = await this.monitors.find(job.monitorId);
    if (!monitor) return { status: 'skipped', reason: MONITOR_DELETED };
    if (job.trigger === 'schedule' && monitor.status === 'paused') return { status: 'skipped', reason: 'paused' };
    if (monitor.referenceRows === 0) return { status: 'skipped', reason: 'no reference' };

    const { seq, chunks } = await this.window.read(monitor.id);
    if (seq === 0) return { status: 'skipped', reason: 'empty window' };
    const existing = await this.reports.find(monitor.id, seq, monitor.referenceVersion);
    if (existing) {
      if (existing.retrainTriggered) await this.enqueueRetrain(monitor, existing.id);
      return { status: 'skipped', reason: `window ${seq} already reported` };
    }

    const reference = await this.references.load(monitor.id);
    const window = decodeChunks(layoutOf(monitor), chunks, monitor.windowSize);
    const body = analyse({
      monitorName: monitor.name,
      features: featuresOf(monitor),
      prediction: predictionOf(monitor),
      label: labelOf(monitor),
      rules: rulesOf(monitor),
      reference,
      window,
      now: Date.now(),
    });

    const minSeverity = monitor.minSeverity as AlertSeverity;
    const candidates: AlertCandidate[] = [];
    if (body.severity !== 'none' && atLeast(body.severity, minSeverity)) {
      const drifted = body.features.filter((f) => f.drifted).map((f) => f.name);
      const message = `${monitor.model}/${monitor.name}: ${body.severity} drift (${drifted.length}/${body.features.length} features: ${drifted.slice(0, 10).join(', ')}${body.prediction?.drifted ? '; prediction drifted' : ''})`;
      candidates.push({ kind: 'drift', key: 'drift', severity: body.severity, message });
    }
    for (const rule of body.rules) {
      if (atLeast(rule.severity, minSeverity)) candidates.push({ kind: 'rule', key: `rule:${rule.signal}${rule.condition}${rule.threshold}`, severity: rule.severity, message: rule.message });
    }
    const wantsRetrain = monitor.retrainPipelineId !== null && body.severity !== 'none' && atLeast(body.severity, monitor.retrainMinSeverity as AlertSeverity);

    const durationMs = performance.now() - started;
    const saved = await this.reports.save({ monitor, trigger: job.trigger, windowSeq: seq, windowRecords: window.n, body, durationMs }, candidates, wantsRetrain);
    if (!saved) return { status: 'skipped', reason: `window ${seq} already reported` };

    await this.deliveries.enqueue(saved.deliveryIds);
    if (saved.report.retrainTriggered) await this.enqueueRetrain(monitor, saved.report.id);
    for (const a of saved.alerts) this.metrics.alerts.inc({ severity: a.severity });
    // `model/name`: monitor names are unique per model only.
    for (const f of body.features) this.metrics.score.set({ monitor: `${monitor.model}/${monitor.name}`, feature: f.name, test: f.test }, f.pValue ?? f.statistic);
    this.metrics.checkDuration.observe((performance.now() - started) / 1000);
    this.logger.log(`monitor ${monitor.name}: window ${seq} checked, severity ${body.severity} in ${durationMs.toFixed(1)} ms`);
    return { status: 'reported', reportId: saved.report.id };
  }

  /** Ids only (the learning service reads the rest); the id is per report, so re-queueing is a no-op. */
  private async enqueueRetrain(monitor: DriftMonitor, reportId: string) {
    const data: RetrainJob = { pipelineId: monitor.retrainPipelineId!, monitorId: monitor.id, reportId };
    await this.queues.enqueueUnique(QueueName.retrain, JobName.retrain, data, `retrain:${monitor.id}:${reportId}`);
  }

  /**
   * An on-demand check: queued as a job under the window's id (a check of the same window already
   * queued or done is not repeated) and answered with the report covering this window.
   */
  async onDemand(monitorId: string) {
    const monitor = await this.monitors.get(monitorId);
    if (monitor.referenceRows === 0) throw new Conflict('the monitor has no reference yet: upload one or freeze the window');
    const seq = await this.window.seq(monitor.id);
    if (seq === 0) throw new Conflict('the window is empty: ingest records first');
    const data: DriftCheckJob = { monitorId: monitor.id, trigger: 'manual' };
    const jobId = checkJobId(monitor.id, seq, monitor.referenceVersion);
    await this.queues.enqueueUnique(QueueName.driftChecks, JobName.driftCheck, data, jobId, { attempts: 3 });
    const deadline = Date.now() + ON_DEMAND_WAIT_MS;
    for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
      const report = await this.reports.covering(monitor.id, seq, monitor.referenceVersion);
      if (report) return report;
      await new Promise((r) => setTimeout(r, delay));
    }
    throw new Conflict('the check did not finish in time; its report will appear under /reports');
  }
}
