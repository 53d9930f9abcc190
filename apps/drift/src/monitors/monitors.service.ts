import { Inject, Injectable } from '@nestjs/common';
import { ChangeAnnouncer, OutboundUrlPolicy, toPage, ValidationFailed, type FieldError } from '@modelyard/platform';
import { CHANGE_NOTICES, type CreateMonitorBody, type ListMonitorsQuery, type UpdateMonitorBody } from '@modelyard/types';
import { ChecksProcessor } from '../checks/checks.processor.js';
import { NUMERIC_ONLY_TESTS } from '../checks/drift-tests.js';
import { WindowStore } from '../window/window.store.js';
import { toMonitorResponse } from './monitors.mapper.js';
import { MonitorsRepository } from './monitors.repository.js';

@Injectable()
export class MonitorsService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(ChecksProcessor) private readonly scheduler: ChecksProcessor,
    @Inject(OutboundUrlPolicy) private readonly outbound: OutboundUrlPolicy,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
  ) {}

  /** Serving sends each model's predictions to its active monitors: it re-lists them when told. */
  private changed(model: string): Promise<void> {
    return this.announcer.announce(CHANGE_NOTICES.monitor, model);
  }

  async create(body: CreateMonitorBody, actor: string) {
    const errors: FieldError[] = [];
    const names = new Set<string>();
    body.features.forEach((f, i) => {
      if (names.has(f.name)) errors.push({ field: `features.${i}.name`, in: 'body', message: `duplicate feature '${f.name}'` });
      names.add(f.name);
      if (f.kind === 'categorical' && NUMERIC_ONLY_TESTS.includes(f.test))
        errors.push({ field: `features.${i}.test`, in: 'body', message: `'${f.test}' needs a numeric feature` });
    });
    const webhookRefusal = body.alerting.webhookUrl && this.outbound.refusal(body.alerting.webhookUrl);
    if (webhookRefusal) errors.push({ field: 'alerting.webhookUrl', in: 'body', message: webhookRefusal });
    if (errors.length) throw new ValidationFailed(errors);
    const { monitor, secret } = await this.monitors.create(body, actor);
    await this.scheduler.schedule(monitor.id, monitor.everySeconds);
    await this.changed(monitor.model);
    return toMonitorResponse(monitor, 0, secret);
  }

  async list(query: ListMonitorsQuery) {
    const rows = await this.monitors.list(query);
    const seqs = await this.window.seqs(rows.map((r) => r.id));
    const counts = new Map(rows.map((r, i) => [r.id, seqs[i]!]));
    return toPage(
      rows,
      query.limit,
      (r) => toMonitorResponse(r, counts.get(r.id) ?? 0),
      (r) => r.id,
    );
  }

  async get(id: string) {
    const m = await this.monitors.get(id);
    return toMonitorResponse(m, await this.window.seq(m.id));
  }

  async update(id: string, body: UpdateMonitorBody, actor: string) {
    if (body.alerting?.webhookUrl) this.outbound.assertAllowed(body.alerting.webhookUrl, 'alerting.webhookUrl');
    const { monitor, secret } = await this.monitors.update(id, body, actor);
    if (body.schedule && monitor.status === 'active') await this.scheduler.schedule(monitor.id, monitor.everySeconds);
    await this.changed(monitor.model);
    return toMonitorResponse(monitor, await this.window.seq(monitor.id), secret);
  }

  async pause(id: string) {
    const m = await this.monitors.setStatus(id, 'paused');
    await this.scheduler.unschedule(m.id);
    await this.changed(m.model);
    return toMonitorResponse(m, await this.window.seq(m.id));
  }

  async resume(id: string) {
    const m = await this.monitors.setStatus(id, 'active');
    await this.scheduler.schedule(m.id, m.everySeconds);
    await this.changed(m.model);
    return toMonitorResponse(m, await this.window.seq(m.id));
  }

  async delete(id: string) {
    const { model } = await this.monitors.get(id);
    // Scheduler first: if Redis fails here, the monitor is still there to delete again.
    await this.scheduler.unschedule(id);
    await this.monitors.delete(id);
    await this.window.clear(id);
    await this.changed(model);
  }
}
