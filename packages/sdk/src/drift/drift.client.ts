import {
  AlertPage,
  AlertResponse,
  CreateMonitorBody,
  DashboardResponse,
  DriftRecord,
  IngestRecordsResponse,
  LabelsBody,
  LabelsResponse,
  MonitorPage,
  MonitorResponse,
  ReferenceBody,
  ReferenceResponse,
  RecordsResponse,
  ReportPage,
  ReportResponse,
  UpdateMonitorBody,
  type ListAlertsQuery,
  type ListMonitorsQuery,
  type PageQuery,
} from '@modelyard/types';
import { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { keyFor, type IdempotencyOption } from '../http/idempotency.js';
import { paginate } from '../http/pagination.js';
import { path } from '../http/path.js';
import { BatchIngestor, type BatchIngestorOptions } from '../ingest/batch-ingestor.js';

type PageOptions<Q> = Partial<Omit<Q, 'limit' | 'cursor'>> & { limit?: number; cursor?: string };
type IngestorOptions<T> = Omit<BatchIngestorOptions<T>, 'send'>;
const Empty = z.unknown();

/** One production record as sent: `{ id?, features, prediction?, label?, confidence?, latencyMs?, success?, ts? }`. */
export type DriftRecordInput = z.input<typeof DriftRecord>;
/** Reference values by column name (features, prediction or label). */
export type ReferenceColumns = Record<string, Array<number | string | boolean>>;
export interface ReferenceOptions extends IdempotencyOption {
  /** Extend the stored reference instead of replacing it. */
  append?: boolean;
}

export class MonitorsClient {
  constructor(private readonly http: HttpClient) {}

  /** Scheduled at once; with `alerting.webhookUrl` the answer carries `webhookSecret` (only this once). */
  create(body: z.input<typeof CreateMonitorBody>, options: IdempotencyOption = {}) {
    return this.http.json('POST', '/v1/monitors', MonitorResponse, { body, idempotencyKey: keyFor(options) });
  }
  list(query: PageOptions<ListMonitorsQuery> = {}) {
    return this.http.json('GET', '/v1/monitors', MonitorPage, { query });
  }
  all(query: Omit<PageOptions<ListMonitorsQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list({ ...query, cursor }));
  }
  get(id: string) {
    return this.http.json('GET', path`/v1/monitors/${id}`, MonitorResponse);
  }
  /** Each block given replaces the stored one; features, prediction and label are fixed. */
  update(id: string, body: z.input<typeof UpdateMonitorBody>) {
    return this.http.json('PATCH', path`/v1/monitors/${id}`, MonitorResponse, { body });
  }
  /** Deletes the monitor with its reference, window, reports and alerts (needs `admin`). */
  async delete(id: string): Promise<void> {
    await this.http.json('DELETE', path`/v1/monitors/${id}`, Empty);
  }
  // Pause and resume set a state, so repeating one is harmless.
  pause(id: string) {
    return this.http.json('POST', path`/v1/monitors/${id}/pause`, MonitorResponse, { retrySafe: true });
  }
  resume(id: string) {
    return this.http.json('POST', path`/v1/monitors/${id}/resume`, MonitorResponse, { retrySafe: true });
  }
}

/** The baseline a monitor's window is compared with; every change bumps `version`. */
export class ReferenceClient {
  constructor(private readonly http: HttpClient) {}

  /** From records in the ingestion shape (up to 10,000 per call; `append` for more). */
  records(monitorId: string, records: DriftRecordInput[], options: ReferenceOptions = {}) {
    return this.set(monitorId, { records, append: options.append ?? false }, options);
  }
  /** From columns `{ name: values }` (up to 200,000 values each). */
  columns(monitorId: string, columns: ReferenceColumns, options: ReferenceOptions = {}) {
    return this.set(monitorId, { columns, append: options.append ?? false }, options);
  }
  /** Freezes the current window as the reference. Not repeated on a lost answer: a second freeze bumps the version again. */
  fromWindow(monitorId: string) {
    return this.http.json('POST', path`/v1/monitors/${monitorId}/reference/from-window`, ReferenceResponse);
  }
  private set(monitorId: string, body: z.input<typeof ReferenceBody>, options: IdempotencyOption) {
    return this.http.json('POST', path`/v1/monitors/${monitorId}/reference`, ReferenceResponse, { body, idempotencyKey: keyFor(options) });
  }
}

export class ReportsClient {
  constructor(private readonly http: HttpClient) {}

  /** Newest first. */
  list(monitorId: string, query: PageOptions<PageQuery> = {}) {
    return this.http.json('GET', path`/v1/monitors/${monitorId}/reports`, ReportPage, { query });
  }
  all(monitorId: string, query: Omit<PageOptions<PageQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list(monitorId, { ...query, cursor }));
  }
  get(monitorId: string, reportId: string) {
    return this.http.json('GET', path`/v1/monitors/${monitorId}/reports/${reportId}`, ReportResponse);
  }
}

export class AlertsClient {
  constructor(private readonly http: HttpClient) {}

  /** Newest first; filter by `status`, `monitorId` or `model`. */
  list(query: PageOptions<ListAlertsQuery> = {}) {
    return this.http.json('GET', '/v1/alerts', AlertPage, { query });
  }
  all(query: Omit<PageOptions<ListAlertsQuery>, 'cursor'> = {}) {
    return paginate((cursor) => this.list({ ...query, cursor }));
  }
  /** The first acknowledgement is kept, so repeating one is harmless. */
  acknowledge(id: string) {
    return this.http.json('POST', path`/v1/alerts/${id}/acknowledge`, AlertResponse, { retrySafe: true });
  }
}

/** Drift monitoring: monitors, references, record ingestion, checks, reports, alerts, dashboard. */
export class DriftClient {
  readonly monitors: MonitorsClient;
  readonly reference: ReferenceClient;
  readonly reports: ReportsClient;
  readonly alerts: AlertsClient;

  constructor(readonly http: HttpClient) {
    this.monitors = new MonitorsClient(http);
    this.reference = new ReferenceClient(http);
    this.reports = new ReportsClient(http);
    this.alerts = new AlertsClient(http);
  }

  /** One batch (up to 10,000), validated whole by the service; keyed so a retried batch counts once. */
  records(monitorId: string, records: DriftRecordInput[], options: IdempotencyOption = {}) {
    return this.http.json('POST', path`/v1/monitors/${monitorId}/records`, IngestRecordsResponse, {
      body: { records },
      idempotencyKey: keyFor(options),
    });
  }
  /**
   * Labels for records sent earlier, joined by record id (up to 10,000 per call). Idempotent per id:
   * a repeated label counts as `unchanged`, so the call is retried like a GET; ids matching no record
   * within the monitor's label horizon are counted as `unmatched`.
   */
  labels(monitorId: string, labels: z.input<typeof LabelsBody>['labels'], options: IdempotencyOption = {}) {
    return this.http.json('POST', path`/v1/monitors/${monitorId}/labels`, LabelsResponse, {
      body: { labels },
      idempotencyKey: keyFor(options),
    });
  }
  /** Background batching of records for one monitor, one Idempotency-Key per batch (close() it at shutdown). */
  recordIngestor(monitorId: string, options: IngestorOptions<DriftRecordInput> = {}) {
    return new BatchIngestor<DriftRecordInput>({
      ...options,
      send: (batch, idempotencyKey) => this.records(monitorId, batch, { idempotencyKey }),
    });
  }
  /** The most recent records, newest first (the service keeps the last 1,000). */
  async recentRecords(monitorId: string, options: { limit?: number } = {}) {
    return (await this.http.json('GET', path`/v1/monitors/${monitorId}/records`, RecordsResponse, { query: { limit: options.limit } }))
      .items;
  }
  /**
   * Checks the current window now and answers with its report. A window is checked once (the
   * service answers a repeat with the same report), so the call is retried like a GET.
   */
  check(monitorId: string) {
    return this.http.json('POST', path`/v1/monitors/${monitorId}/check`, ReportResponse, { retrySafe: true });
  }
  /** Health, 24 h totals and hourly trend, active alerts and the latest verdict per monitor. */
  dashboard(model: string) {
    return this.http.json('GET', path`/v1/dashboard/${model}`, DashboardResponse);
  }
}
