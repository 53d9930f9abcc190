import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type DriftMonitor } from '@modelyard/db';
import { AlreadyExists, createWebhookTarget, decodeCursor, deleteWebhookTarget, NotFound, parseUuidCursor, PrismaService } from '@modelyard/platform';
import { DEFAULT_ALERT_RULES, type CreateMonitorBody, type ListMonitorsQuery, type UpdateMonitorBody } from '@modelyard/types';

const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** The only file of the monitors feature that touches Prisma. */
@Injectable()
export class MonitorsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** Creates the monitor and, with a webhook URL, its webhook target; returns the target's secret once. */
  async create(body: CreateMonitorBody, actor: string): Promise<{ monitor: DriftMonitor; secret?: string }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const secret = body.alerting.webhookUrl ? (body.alerting.webhookSecret ?? newSecret()) : undefined;
        const webhookSubscriptionId =
          body.alerting.webhookUrl && secret
            ? await createWebhookTarget(tx, { url: body.alerting.webhookUrl, secret, description: `drift monitor ${body.model}/${body.name}`, createdBy: actor })
            : null;
        const monitor = await tx.driftMonitor.create({
          data: {
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
            createdBy: actor,
          },
        });
        return { monitor, ...(secret ? { secret } : {}) };
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('monitor', `${body.model}/${body.name}`);
      throw err;
    }
  }

  list(query: ListMonitorsQuery) {
    const cursor = decodeCursor(query.cursor, parseUuidCursor);
    return this.prisma.driftMonitor.findMany({
      where: query.model ? { model: query.model } : {},
      orderBy: { id: 'asc' },
      take: query.limit + 1,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
  }

  byModel(model: string) {
    return this.prisma.driftMonitor.findMany({ where: { model }, orderBy: { name: 'asc' } });
  }

  active() {
    return this.prisma.driftMonitor.findMany({ where: { status: 'active' } });
  }

  async find(id: string): Promise<DriftMonitor | null> {
    return this.prisma.driftMonitor.findUnique({ where: { id } });
  }

  async get(id: string): Promise<DriftMonitor> {
    const row = await this.find(id);
    if (!row) throw new NotFound('monitor', id);
    return row;
  }

  /** Applies a change; a new webhook URL replaces the monitor's webhook target (new secret, shown once). */
  async update(id: string, body: UpdateMonitorBody, actor: string): Promise<{ monitor: DriftMonitor; secret?: string }> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const current = await tx.driftMonitor.findUnique({ where: { id } });
        if (!current) throw new NotFound('monitor', id);
        const data: Prisma.DriftMonitorUpdateInput = {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.version !== undefined ? { version: body.version } : {}),
          ...(body.window ? { windowSize: body.window.size } : {}),
          ...(body.schedule ? { everySeconds: body.schedule.everySeconds } : {}),
          ...(body.alertRules ? { alertRules: body.alertRules } : {}),
        };
        let secret: string | undefined;
        if (body.alerting) {
          Object.assign(data, { minSeverity: body.alerting.minSeverity, cooldownSeconds: body.alerting.cooldownSeconds });
          if (body.alerting.webhookUrl !== current.webhookUrl || body.alerting.webhookSecret) {
            if (current.webhookSubscriptionId) await deleteWebhookTarget(tx, current.webhookSubscriptionId);
            secret = body.alerting.webhookUrl ? (body.alerting.webhookSecret ?? newSecret()) : undefined;
            const target =
              body.alerting.webhookUrl && secret
                ? await createWebhookTarget(tx, { url: body.alerting.webhookUrl, secret, description: `drift monitor ${current.model}/${current.name}`, createdBy: actor })
                : null;
            Object.assign(data, { webhookUrl: body.alerting.webhookUrl ?? null, webhookSubscriptionId: target });
          }
        }
        if (body.retrain) {
          Object.assign(data, {
            retrainPipelineId: body.retrain.pipelineId ?? null,
            retrainMinSeverity: body.retrain.minSeverity,
            retrainCooldownSeconds: body.retrain.cooldownSeconds ?? current.retrainCooldownSeconds,
          });
        }
        const monitor = await tx.driftMonitor.update({ where: { id }, data });
        return { monitor, ...(secret ? { secret } : {}) };
      }, TX_OPTIONS);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AlreadyExists('monitor', body.name ?? id);
      throw err;
    }
  }

  async setStatus(id: string, status: 'active' | 'paused'): Promise<DriftMonitor> {
    const { count } = await this.prisma.driftMonitor.updateMany({ where: { id }, data: { status } });
    if (count === 0) throw new NotFound('monitor', id);
    return this.get(id);
  }

  /** Deletes the monitor with its reference, reports, alerts and webhook target. */
  async delete(id: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await tx.driftMonitor.findUnique({ where: { id } });
      if (!current) throw new NotFound('monitor', id);
      if (current.webhookSubscriptionId) await deleteWebhookTarget(tx, current.webhookSubscriptionId);
      await tx.driftReference.deleteMany({ where: { monitorId: id } });
      await tx.driftReport.deleteMany({ where: { monitorId: id } });
      await tx.driftAlert.deleteMany({ where: { monitorId: id } });
      await tx.driftMonitor.delete({ where: { id } });
    }, TX_OPTIONS);
  }
}
