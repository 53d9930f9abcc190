import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { archiveAuditEvents, AUDIT_TABLES, JobHandler, PrismaService, QueueService, type AuditBatch } from '@modelyard/platform';
import { JobName, QueueName, type AuditService } from '@modelyard/types';
import { ARTIFACT_STORAGE, type ArtifactStorage } from '../artifacts/storage/artifact-storage.js';

/** AUDIT_RETENTION_DAYS, or null when entries are kept forever. */
export const AUDIT_RETENTION_DAYS = Symbol('AUDIT_RETENTION_DAYS');

const SCHEDULER = 'audit-archive';
const EVERY_MS = 3600_000;
const DAY_MS = 86_400_000;
/**
 * The tables archived: every service's. The audit log is one log, written by the platform's shared
 * writer and read merged through the platform_audit_log view; the registry, which owns the
 * artifact storage, is the one place its retention can run. Archiving moves entries out (through
 * the trigger's archive exception only), it never changes one, and no service reads its own
 * entries back, so this is the one exception to "a service never writes another's tables".
 */
const ARCHIVED: readonly AuditService[] = [...AUDIT_TABLES.keys()];

/**
 * The audit retention archive: once an hour, entries older than AUDIT_RETENTION_DAYS go to the
 * artifact storage as NDJSON objects named by their SHA-256 (outside the blob table, so artifact
 * garbage collection never sees them), each listed in registry_audit_archives, then leave the
 * database. Storing the same batch twice (a crash before its delete) gives the same object.
 */
@Injectable()
export class AuditArchiver implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditArchiver.name);

  constructor(
    @Inject(AUDIT_RETENTION_DAYS) private readonly retentionDays: number | null,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage,
  ) {}

  /** Every replica upserts the same scheduler (BullMQ runs it once per interval); without retention it is removed. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.retentionDays) await this.queues.schedule(QueueName.auditArchive, JobName.auditArchive, SCHEDULER, EVERY_MS, {});
    else await this.queues.unschedule(QueueName.auditArchive, SCHEDULER);
  }

  @JobHandler(QueueName.auditArchive, JobName.auditArchive)
  async handle(): Promise<void> {
    await this.archive(new Date());
  }

  /** Archives what is past retention at `now`; returns the entries moved per service. */
  async archive(now: Date, batchSize?: number): Promise<Map<AuditService, number>> {
    const moved = new Map<AuditService, number>();
    if (!this.retentionDays) return moved;
    const before = new Date(now.getTime() - this.retentionDays * DAY_MS);
    for (const service of ARCHIVED) {
      const { rows, batches } = await archiveAuditEvents({
        prisma: this.prisma,
        service,
        before,
        batchSize,
        store: (batch) => this.store(batch),
        commit: async (tx, batch, sha256) => {
          const { firstId, lastId, firstAt, lastAt } = batch;
          const size = BigInt(batch.ndjson.length);
          await tx.auditArchive.create({ data: { service, sha256, size, rows: batch.rows.length, firstId, lastId, firstAt, lastAt } });
        },
      });
      if (rows)
        this.logger.log(
          `audit archive: ${rows} ${service} entr${rows === 1 ? 'y' : 'ies'} before ${before.toISOString()} in ${batches} object(s)`,
        );
      moved.set(service, rows);
    }
    return moved;
  }

  /** Resolves once the object is committed to storage: only then may its rows be deleted. */
  private async store(batch: AuditBatch): Promise<string> {
    const sha256 = createHash('sha256').update(batch.ndjson).digest('hex');
    const temp = await this.storage.writeTemp(Readable.from([batch.ndjson]));
    await this.storage.commit(temp, sha256, batch.ndjson.length);
    return sha256;
  }
}
