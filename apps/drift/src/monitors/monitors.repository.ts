import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type DriftMonitor, type DriftMonitorStatus } from '@modelyard/db';
import {
  AlreadyExists,
  createWebhookTarget,
  decodeCursor,
  keysetAfter,
  deleteWebhookTarget,
  NotFound,
  parseUuidCursor,
  PrismaService,
  modelNameWhere,
  type ModelFilter,
  UUID_PATTERN,
} from '@modelyard/platform';
import { DEFAULT_ALERT_RULES, type CreateMonitorBody, type ListMonitorsQuery, type UpdateMonitorBody } from '@modelyard/types';
import { auditMonitor } from './monitors.audit.js';
import { toMonitor, type Monitor } from './monitors.mapper.js';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

type Alerting = NonNullable<UpdateMonitorBody['alerting']>;
type Saved = { monitor: Monitor; secret?: string };
type Tx = Prisma.TransactionClient;
type Secret = string | undefined;

/** The only file of the monitors feature that touches Prisma; it answers with parsed monitors. */
@Injectable()
export class MonitorsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Creates the monitor and, with a webhook URL, its webhook target; returns the target's secret once. */
  async create(body: CreateMonitorBody, actor: string): Promise<Saved> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const secret = body.alerting.webhookUrl ? (body.alerting.webhookSecret ?? newSecret()) : undefined;
        const monitor = `${body.model}/${body.name}`;
        const webhookSubscriptionId = await this.webhookTarget(tx, body.alerting.webhookUrl, secret, monitor, actor);
        const row = await tx.driftMonitor.create({ data: createData(body, actor, webhookSubscriptionId) });
        await auditMonitor(tx, 'monitor.created', actor, null, toMonitor(row));
        return { monitor: toMonitor(row), ...(secret ? { secret } : {}) };
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
        throw new AlreadyExists('monitor', `${body.model}/${body.name}`);
      throw err;
    }
  }

  /** `readable`: the models whose monitors the caller may read. */
  async list(query: ListMonitorsQuery, readable: ModelFilter): Promise<Monitor[]> {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    const visible = modelNameWhere(readable);
    const rows = await this.prisma.driftMonitor.findMany({
      where: {
        ...(visible ? { AND: [{ model: visible }] } : {}),
        ...(query.model ? { model: query.model } : {}),
        ...(cursor ? keysetAfter<Prisma.DriftMonitorWhereInput>([{ id: 'asc' }], { id: cursor }) : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return rows.map(toMonitor);
  }

  /** The model a monitor watches, for team checks; null when there is no such monitor. */
  async modelOf(id: string): Promise<string | null> {
    // Anything else than a UUID would be a database error on this column.
    if (!UUID_PATTERN.test(id)) return null;
    return (await this.prisma.driftMonitor.findUnique({ where: { id }, select: { model: true } }))?.model ?? null;
  }

  async byModel(model: string): Promise<Monitor[]> {
    return (await this.prisma.driftMonitor.findMany({ where: { model }, orderBy: { name: 'asc' } })).map(toMonitor);
  }

  /** What the schedulers need of every active monitor (nothing parsed: one bad row cannot stop the others). */
  /** What scheduling needs (and names for its log lines): no JSON to parse. */
  active(): Promise<{ id: string; model: string; name: string; everySeconds: number }[]> {
    return this.prisma.driftMonitor.findMany({
      where: { status: 'active' },
      select: { id: true, model: true, name: true, everySeconds: true },
    });
  }

  async find(id: string): Promise<Monitor | null> {
    const row = await this.prisma.driftMonitor.findUnique({ where: { id } });
    return row ? toMonitor(row) : null;
  }

  async get(id: string): Promise<Monitor> {
    const monitor = await this.find(id);
    if (!monitor) throw new NotFound('monitor', id);
    return monitor;
  }

  /** Applies a change; a new webhook URL replaces the monitor's webhook target (new secret, shown once). */
  async update(id: string, body: UpdateMonitorBody, actor: string): Promise<Saved> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const current = await tx.driftMonitor.findUnique({ where: { id } });
        if (!current) throw new NotFound('monitor', id);
        const data = updateData(current, body);
        let secret: string | undefined;
        if (body.alerting && (body.alerting.webhookUrl !== current.webhookUrl || body.alerting.webhookSecret)) {
          secret = body.alerting.webhookUrl ? (body.alerting.webhookSecret ?? newSecret()) : undefined;
          const target = await this.replaceWebhookTarget(tx, current, body.alerting, secret, actor);
          Object.assign(data, { webhookUrl: body.alerting.webhookUrl ?? null, webhookSubscriptionId: target });
        }
        const row = await tx.driftMonitor.update({ where: { id }, data });
        await auditMonitor(tx, 'monitor.updated', actor, toMonitor(current), toMonitor(row));
        return { monitor: toMonitor(row), ...(secret ? { secret } : {}) };
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('monitor', body.name ?? id);
      throw err;
    }
  }

  /** Pausing a paused monitor (or resuming an active one) changes nothing and records nothing. */
  setStatus(id: string, status: DriftMonitorStatus, actor: string): Promise<Monitor> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.driftMonitor.findUnique({ where: { id } });
      if (!current) throw new NotFound('monitor', id);
      if (current.status === status) return toMonitor(current);
      const row = await tx.driftMonitor.update({ where: { id }, data: { status } });
      await auditMonitor(tx, status === 'paused' ? 'monitor.paused' : 'monitor.resumed', actor, toMonitor(current), toMonitor(row));
      return toMonitor(row);
    }, TX_OPTIONS);
  }

  /**
   * Deletes the monitor and its webhook target. The database deletes its reference, reports and
   * alerts with it (ON DELETE CASCADE); the webhook target is a platform row, deleted here.
   */
  async delete(id: string, actor: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await tx.driftMonitor.findUnique({ where: { id } });
      if (!current) throw new NotFound('monitor', id);
      if (current.webhookSubscriptionId) await deleteWebhookTarget(tx, current.webhookSubscriptionId);
      await tx.driftMonitor.delete({ where: { id } });
      await auditMonitor(tx, 'monitor.deleted', actor, toMonitor(current), null);
    }, TX_OPTIONS);
  }

  private async replaceWebhookTarget(tx: Tx, current: DriftMonitor, alerting: Alerting, secret: Secret, actor: string) {
    if (current.webhookSubscriptionId) await deleteWebhookTarget(tx, current.webhookSubscriptionId);
    return this.webhookTarget(tx, alerting.webhookUrl, secret, `${current.model}/${current.name}`, actor);
  }

  /** The platform webhook subscription per-monitor alerts are delivered to, or null without a URL. */
  private async webhookTarget(tx: Tx, url: string | undefined, secret: Secret, monitor: string, actor: string) {
    if (!url || !secret) return null;
    return createWebhookTarget(tx, { url, secret, description: `drift monitor ${monitor}`, createdBy: actor });
  }
}

function createData(body: CreateMonitorBody, actor: string, webhookSubscriptionId: string | null) {
  const data: Prisma.DriftMonitorUncheckedCreateInput = {
    name: body.name,
    model: body.model,
    version: body.version ?? null,
    features: body.features,
    prediction: body.prediction ?? Prisma.DbNull,
    label: body.label ?? Prisma.DbNull,
    windowSize: body.window.size,
    everySeconds: body.schedule.everySeconds,
    webhookUrl: body.alerting.webhookUrl ?? null,
    webhookSubscriptionId,
    minSeverity: body.alerting.minSeverity,
    cooldownSeconds: body.alerting.cooldownSeconds,
    retrainPipelineId: body.retrain.pipelineId ?? null,
    retrainMinSeverity: body.retrain.minSeverity,
    retrainCooldownSeconds: body.retrain.cooldownSeconds ?? body.alerting.cooldownSeconds,
    alertRules: body.alertRules ?? DEFAULT_ALERT_RULES,
    labelHorizonSeconds: body.labelHorizonSeconds,
    onInvalid: body.onInvalid,
    createdBy: actor,
  };
  return data;
}

/** The columns a change sets, but the webhook target (which needs the transaction). */
function updateData(current: DriftMonitor, body: UpdateMonitorBody): Prisma.DriftMonitorUpdateInput {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.version !== undefined ? { version: body.version } : {}),
    ...(body.window ? { windowSize: body.window.size } : {}),
    ...(body.schedule ? { everySeconds: body.schedule.everySeconds } : {}),
    ...(body.alertRules ? { alertRules: body.alertRules } : {}),
    ...(body.labelHorizonSeconds !== undefined ? { labelHorizonSeconds: body.labelHorizonSeconds } : {}),
    ...(body.onInvalid !== undefined ? { onInvalid: body.onInvalid } : {}),
    ...(body.alerting ? { minSeverity: body.alerting.minSeverity } : {}),
    ...(body.alerting ? { cooldownSeconds: body.alerting.cooldownSeconds } : {}),
    ...(body.retrain
      ? {
          retrainPipelineId: body.retrain.pipelineId ?? null,
          retrainMinSeverity: body.retrain.minSeverity,
          retrainCooldownSeconds: body.retrain.cooldownSeconds ?? current.retrainCooldownSeconds,
        }
      : {}),
  };
}
