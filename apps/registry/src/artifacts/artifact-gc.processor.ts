import { Inject, Injectable, Logger } from '@nestjs/common';
import { forEachIsolated, JobHandler, MetricsService, QueueService } from '@modelyard/platform';
import { ArtifactGcJob, JobName, QueueName } from '@modelyard/types';
import { ArtifactsRepository } from './artifacts.repository.js';
import { ARTIFACT_STORAGE, type ArtifactStorage } from './storage/artifact-storage.js';

const BATCH = 200;
/** Temporary objects older than this belong to uploads that died; no live upload runs for a day. */
const TEMP_MAX_AGE_MS = 24 * 3600 * 1000;

/** Garbage collection of blobs no version references any more (after retention, or a replaced file). */
@Injectable()
export class ArtifactGc {
  private readonly logger = new Logger(ArtifactGc.name);

  constructor(
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(ArtifactsRepository) private readonly repository: ArtifactsRepository,
    @Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  /** `key` names the change that freed blobs, so re-scheduling for the same change queues one job. */
  async schedule(key: string, reason: string): Promise<void> {
    await this.queues.enqueueUnique<ArtifactGcJob>(QueueName.artifactGc, JobName.artifactGc, { reason }, `artifact-gc:${key}`);
  }

  @JobHandler(QueueName.artifactGc, JobName.artifactGc)
  async collect(data: unknown): Promise<{ deleted: number; abandoned: number }> {
    const { reason } = ArtifactGcJob.parse(data);
    let deleted = 0;
    const seen = new Set<string>();
    for (;;) {
      // Blobs referenced again since the listing are skipped by collect(); never retry them in this run.
      const candidates = (await this.repository.unreferencedBlobs(BATCH + seen.size)).filter((s) => !seen.has(s));
      if (candidates.length === 0) break;
      // A blob the storage cannot delete is counted and left for the next run; the others go.
      await forEachIsolated(
        candidates,
        async (sha256) => {
          seen.add(sha256);
          if (await this.repository.collect(sha256, () => this.storage.delete(sha256))) deleted++;
        },
        {
          loop: 'artifact-gc',
          logger: this.logger,
          failures: this.metrics.backgroundFailures,
          describe: (sha256) => `blob ${sha256}`,
        },
      );
    }
    const abandoned = await this.storage.sweepTemp(new Date(Date.now() - TEMP_MAX_AGE_MS));
    this.logger.log(`artifact gc (${reason}): ${deleted} blob(s) and ${abandoned} abandoned upload(s) deleted`);
    return { deleted, abandoned };
  }
}
