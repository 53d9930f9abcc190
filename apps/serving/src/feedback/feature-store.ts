import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisService, isCluster, keyTag } from '@modelyard/platform';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { FeedbackMetrics } from './feedback.metrics.js';

/** Writes are batched: at most this many per pipeline round trip, or whatever arrived in WRITE_DELAY_MS. */
const WRITE_BATCH = 1_000;
const WRITE_DELAY_MS = 50;
/** Ids looked up per MGET. */
const READ_BATCH = 1_000;

/** Under the model's hash tag: a batch of one model's ids is one pipeline or MGET in one cluster slot. */
const keyOf = (model: string, predictionId: string) => `${keyTag('model', model)}:features:${predictionId}`;
/**
 * Where a single Redis kept features before keys were tagged. The model is not in that name, so
 * such keys cannot be moved at start: they are read where tagged ones are missing, until they expire
 * (one horizon after this process started).
 */
const legacyKeyOf = (predictionId: string) => `serving:features:${predictionId}`;

/**
 * A prediction's features by its id, kept SERVING_FEEDBACK_HORIZON_SECONDS in Redis (SET … EX),
 * so a label sent to /feedback later becomes a learning sample. Written off the request path in
 * pipelined batches; a lookup first writes what is still buffered, so a label sent right after its
 * prediction finds it.
 */
@Injectable()
export class FeatureStore {
  private readonly logger = new Logger(FeatureStore.name);
  /** Key → features as JSON, per model. */
  private buffer = new Map<string, [string, string][]>();
  private buffered = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /**
   * Keys of the earlier layout were written with the horizon as their TTL, by a process that ran
   * before this one: past this time none is left, and a missing id costs no second lookup.
   */
  private readonly legacyUntil: number;

  constructor(
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(FeedbackMetrics) private readonly metrics: FeedbackMetrics,
  ) {
    this.legacyUntil = Date.now() + settings.feedbackHorizonSeconds * 1000;
  }

  keep(model: string, predictionId: string, features: Record<string, unknown>): void {
    const entries = this.buffer.get(model) ?? [];
    this.buffer.set(model, entries);
    entries.push([keyOf(model, predictionId), JSON.stringify(features)]);
    if (++this.buffered >= WRITE_BATCH) void this.write();
    else this.timer ??= setTimeout(() => void this.write(), WRITE_DELAY_MS);
  }

  /** Writes what is buffered (chained after the writes before it: they complete in order). */
  write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.buffer.values()];
    this.buffer = new Map();
    this.buffered = 0;
    for (const batch of batches) this.writing = this.writing.then(() => this.send(batch));
    return this.writing;
  }

  /** Writes one model's features (one pipeline per WRITE_BATCH, all in the model's slot). */
  private async send(batch: [string, string][]): Promise<void> {
    try {
      for (let i = 0; i < batch.length; i += WRITE_BATCH) {
        const pipeline = this.redis.client.pipeline();
        for (const [key, json] of batch.slice(i, i + WRITE_BATCH)) pipeline.set(key, json, 'EX', this.settings.feedbackHorizonSeconds);
        const results = (await pipeline.exec()) ?? [];
        const failed = results.filter(([err]) => err).length;
        if (failed) this.metrics.dropped.inc({ target: 'features', reason: 'write_failed' }, failed);
      }
    } catch (err) {
      this.metrics.dropped.inc({ target: 'features', reason: 'write_failed' }, batch.length);
      this.logger.error(`keeping the features of ${batch.length} predictions failed: ${String(err)}`);
    }
  }

  /** The features kept for each id (null: unknown or expired). */
  async get(model: string, predictionIds: readonly string[]): Promise<(Record<string, unknown> | null)[]> {
    await this.write();
    const out: (Record<string, unknown> | null)[] = [];
    for (let i = 0; i < predictionIds.length; i += READ_BATCH) {
      const ids = predictionIds.slice(i, i + READ_BATCH);
      const values = await this.withLegacy(ids, await this.redis.client.mget(...ids.map((id) => keyOf(model, id))));
      for (const v of values) out.push(v === null ? null : (JSON.parse(v) as Record<string, unknown>));
    }
    return out;
  }

  /** Fills ids not found under their tagged key from the earlier layout (a single Redis only). */
  private async withLegacy(ids: readonly string[], values: (string | null)[]): Promise<(string | null)[]> {
    const missing = ids.filter((_, j) => values[j] === null);
    if (!missing.length || isCluster(this.redis.client) || Date.now() > this.legacyUntil) return values;
    const legacy = await this.redis.client.mget(...missing.map(legacyKeyOf));
    let k = 0;
    return values.map((v) => (v === null ? (legacy[k++] ?? null) : v));
  }
}
