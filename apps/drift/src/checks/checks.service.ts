import { Inject, Injectable, Logger } from '@nestjs/common';
import { Conflict, DeliveryQueue, QueueService } from '@modelyard/platform';
import { JobName, QueueName, type DriftCheckJob, type DriftReportBody, type RetrainJob } from '@modelyard/types';
import { DriftMetrics } from '../drift.metrics.js';
import { LabelIndex } from '../labels/label-index.js';
import { applyLateLabels } from '../labels/late-labels.js';
import { layoutOf, type Monitor } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { ReferenceRepository } from '../reference/reference.repository.js';
import { decodeChunks, ID, type Columns } from '../window/window.codec.js';
import { WindowStore } from '../window/window.store.js';
import { alertCandidates, alertsToRaise, type AlertCandidate } from './alert-policy.js';
import { analyse } from './drift-analysis.js';
import { toReportResponse } from './reports.mapper.js';
import { ReportsRepository, type CheckStep, type SaveOutcome } from './reports.repository.js';
import { claimsRetrain, wantsRetrain } from './retrain-policy.js';

/** How long `POST /check` waits for the worker's report. */
const ON_DEMAND_WAIT_MS = 60_000;

export type CheckOutcome = { status: 'reported'; reportId: string } | { status: 'skipped'; reason: string };
/** The skip reason of a check whose monitor no longer exists (its scheduler removes itself on it). */
export const MONITOR_DELETED = 'monitor deleted';
const skipped = (reason: string): CheckOutcome => ({ status: 'skipped', reason });

/**
 * What a check decides inside its report's transaction, on the state before it: the alerts its
 * report calls for, de-duplicated against the recent ones (alert-policy.ts), and whether it claims
 * retraining (retrain-policy.ts).
 */
export function checkStep(monitor: Monitor, body: DriftReportBody): CheckStep {
  const candidates = alertCandidates(monitor, body);
  const retrain = wantsRetrain(monitor, body.severity);
  return {
    alertKeys: [...new Set(candidates.map((c) => c.key))],
    decide: (prior) => ({
      alerts: alertsToRaise(candidates, prior.recentAlerts, monitor.cooldownSeconds, prior.now),
      retrain: retrain && claimsRetrain(prior.lastRetrainAt, monitor.retrainCooldownSeconds, prior.now),
    }),
  };
}

/** The job id of a check of one window: one job, and one report, per window, reference version and label counter. */
export const checkJobId = (monitorId: string, windowSeq: number, referenceVersion: number, labelSeq = 0) =>
  `drift-check:${monitorId}:${windowSeq}:${referenceVersion}${labelSeq ? `:${labelSeq}` : ''}`;

@Injectable()
export class ChecksService {
  private readonly logger = new Logger(ChecksService.name);

  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(ReportsRepository) private readonly reports: ReportsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(LabelIndex) private readonly labels: LabelIndex,
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
    if (!monitor) return skipped(MONITOR_DELETED);
    if (job.trigger === 'schedule' && monitor.status === 'paused') return skipped('paused');
    if (monitor.referenceRows === 0) return skipped('no reference');

    // The counters first: a window already reported is skipped before anything large is read.
    const counters = await this.window.counters(monitor.id);
    if (counters.seq === 0) return skipped('empty window');
    const existing = await this.reports.find(monitor.id, counters.seq, monitor.referenceVersion, counters.labelSeq);
    if (existing) {
      if (existing.retrainTriggered) await this.enqueueRetrain(monitor, existing.id);
      return skipped(`window ${counters.seq} already reported`);
    }

    // Window and reference read together. Records that arrived since the counters make this a
    // check of the newer window (the report's unique index settles a race with another worker).
    const [{ seq, labelSeq, chunks }, reference] = await Promise.all([
      this.window.read(monitor.id),
      this.references.load(monitor.id, monitor.referenceVersion),
    ]);
    const window = decodeChunks(layoutOf(monitor), chunks, monitor.windowSize);
    const labelDelaysMs = await this.joinLateLabels(monitor, window);
    const { features, prediction, label, alertRules: rules } = monitor;
    const input = { monitorName: monitor.name, features, prediction, label, rules, reference, window, labelDelaysMs };
    const body = analyse({ ...input, now: Date.now() });

    const durationMs = performance.now() - started;
    const report = { monitor, trigger: job.trigger, windowSeq: seq, labelSeq, windowRecords: window.n, body, durationMs };
    const saved = await this.reports.saveWith(report, checkStep(monitor, body));
    if (saved.status === 'duplicate') return skipped(`window ${seq} already reported`);
    if (saved.status === 'gone') return skipped(MONITOR_DELETED);
    await this.afterCommit(monitor, saved);
    this.observe(monitor, body, saved.alerts, started);
    this.logger.log(`monitor ${monitor.name}: window ${seq} checked, severity ${body.severity} in ${durationMs.toFixed(1)} ms`);
    return { status: 'reported', reportId: saved.report.id };
  }

  /** Labels sent after their records, put in the window's label column (performance needs a prediction too). */
  private async joinLateLabels(monitor: Monitor, window: Columns): Promise<number[]> {
    const ids = window.values.get(ID);
    if (!monitor.label || !monitor.prediction || !Array.isArray(ids)) return [];
    const found = await this.labels.lookup(monitor.id, ids);
    return found ? applyLateLabels(window, monitor.label.kind, found) : [];
  }

  /** Work queued once the report is committed: webhook deliveries and the retrain job. */
  private async afterCommit(monitor: Monitor, saved: Extract<SaveOutcome, { status: 'saved' }>) {
    await this.deliveries.enqueue(saved.deliveryIds);
    if (saved.report.retrainTriggered) await this.enqueueRetrain(monitor, saved.report.id);
  }

  private observe(monitor: Monitor, body: DriftReportBody, alerts: AlertCandidate[], started: number) {
    for (const a of alerts) this.metrics.alerts.inc({ severity: a.severity });
    // `model/name`: monitor names are unique per model only.
    for (const f of body.features)
      this.metrics.score.set({ monitor: `${monitor.model}/${monitor.name}`, feature: f.name, test: f.test }, f.pValue ?? f.statistic);
    this.metrics.checkDuration.observe((performance.now() - started) / 1000);
  }

  /** Ids only (the learning service reads the rest); the id is per report, so re-queueing is a no-op. */
  private async enqueueRetrain(monitor: Monitor, reportId: string) {
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
    const { seq, labelSeq } = await this.window.counters(monitor.id);
    if (seq === 0) throw new Conflict('the window is empty: ingest records first');
    const data: DriftCheckJob = { monitorId: monitor.id, trigger: 'manual' };
    const jobId = checkJobId(monitor.id, seq, monitor.referenceVersion, labelSeq);
    await this.queues.enqueueUnique(QueueName.driftChecks, JobName.driftCheck, data, jobId, { attempts: 3 });
    const deadline = Date.now() + ON_DEMAND_WAIT_MS;
    for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
      const report = await this.reports.covering(monitor.id, seq, monitor.referenceVersion, labelSeq);
      if (report) return toReportResponse(report);
      await new Promise((r) => setTimeout(r, delay));
    }
    throw new Conflict('the check did not finish in time; its report will appear under /reports');
  }
}
