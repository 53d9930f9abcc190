import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ChangeAnnouncer,
  OutboundUrlPolicy,
  toPage,
  ValidationFailed,
  type FieldError,
  TeamAccess,
  TeamResolvers,
  type Principal,
} from '@modelyard/platform';
import {
  CHANGE_NOTICES,
  FEATURE_SIGNALS,
  type AlertRule,
  type CreateMonitorBody,
  type FeatureSpec,
  type ListMonitorsQuery,
  type UpdateMonitorBody,
} from '@modelyard/types';
import { ChecksProcessor } from '../checks/checks.processor.js';
import { NUMERIC_ONLY_TESTS } from '../checks/drift-tests.js';
import { ReferenceRepository } from '../reference/reference.repository.js';
import { WindowStore } from '../window/window.store.js';
import { toMonitorResponse } from './monitors.mapper.js';
import { MonitorsRepository } from './monitors.repository.js';

@Injectable()
export class MonitorsService implements OnModuleInit {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
    @Inject(ChecksProcessor) private readonly scheduler: ChecksProcessor,
    @Inject(OutboundUrlPolicy) private readonly outbound: OutboundUrlPolicy,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  /** Routes on `/v1/monitors/:id` are checked against the team of the monitor's model. */
  onModuleInit(): void {
    this.resolvers.register('monitor', (id) => this.monitors.modelOf(id));
  }

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
      for (const bound of ['min', 'max'] as const)
        if (f[bound] !== undefined && f.kind !== 'numeric')
          errors.push({ field: `features.${i}.${bound}`, in: 'body', message: 'a range applies to numeric features only' });
      if (f.min !== undefined && f.max !== undefined && f.min > f.max)
        errors.push({ field: `features.${i}.max`, in: 'body', message: 'max must be at least min' });
    });
    if (body.prediction?.positive !== undefined)
      errors.push({ field: 'prediction.positive', in: 'body', message: 'the positive class is set on the label' });
    if (body.label?.positive !== undefined && body.label.kind !== 'categorical')
      errors.push({ field: 'label.positive', in: 'body', message: 'a positive class applies to a categorical label only' });
    errors.push(...ruleErrors(body.alertRules ?? [], body.features));
    const webhookRefusal = body.alerting.webhookUrl && this.outbound.refusal(body.alerting.webhookUrl);
    if (webhookRefusal) errors.push({ field: 'alerting.webhookUrl', in: 'body', message: webhookRefusal });
    if (errors.length) throw new ValidationFailed(errors);
    const { monitor, secret } = await this.monitors.create(body, actor);
    await this.scheduler.schedule(monitor.id, monitor.everySeconds);
    await this.changed(monitor.model);
    return toMonitorResponse(monitor, 0, secret);
  }

  async list(query: ListMonitorsQuery, who: Principal) {
    const rows = await this.monitors.list(query, await this.teams.readableModels(who));
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
    if (body.alertRules) {
      const errors = ruleErrors(body.alertRules, (await this.monitors.get(id)).features);
      if (errors.length) throw new ValidationFailed(errors);
    }
    const { monitor, secret } = await this.monitors.update(id, body, actor);
    if (body.schedule && monitor.status === 'active') await this.scheduler.schedule(monitor.id, monitor.everySeconds);
    await this.changed(monitor.model);
    return toMonitorResponse(monitor, await this.window.seq(monitor.id), secret);
  }

  async pause(id: string, actor: string) {
    const m = await this.monitors.setStatus(id, 'paused', actor);
    await this.scheduler.unschedule(m.id);
    await this.changed(m.model);
    return toMonitorResponse(m, await this.window.seq(m.id));
  }

  async resume(id: string, actor: string) {
    const m = await this.monitors.setStatus(id, 'active', actor);
    await this.scheduler.schedule(m.id, m.everySeconds);
    await this.changed(m.model);
    return toMonitorResponse(m, await this.window.seq(m.id));
  }

  async delete(id: string, actor: string) {
    const { model, referenceVersion } = await this.monitors.get(id);
    // Scheduler first: if Redis fails here, the monitor is still there to delete again.
    await this.scheduler.unschedule(id);
    await this.monitors.delete(id, actor);
    await this.window.clear(id);
    await this.references.forget(id, referenceVersion);
    await this.changed(model);
  }
}

/** A data-quality signal is measured on one of the monitor's features; the other signals on the whole window. */
function ruleErrors(rules: readonly AlertRule[], features: readonly FeatureSpec[]): FieldError[] {
  const names = new Set(features.map((f) => f.name));
  const errors: FieldError[] = [];
  rules.forEach((rule, i) => {
    const field = `alertRules.${i}.feature`;
    if (!FEATURE_SIGNALS.includes(rule.signal)) {
      if (rule.feature !== undefined) errors.push({ field, in: 'body', message: `'${rule.signal}' is not measured per feature` });
    } else if (rule.feature === undefined)
      errors.push({ field, in: 'body', message: `'${rule.signal}' needs the feature it is measured on` });
    else if (!names.has(rule.feature)) errors.push({ field, in: 'body', message: `'${rule.feature}' is not a feature of this monitor` });
  });
  return errors;
}
