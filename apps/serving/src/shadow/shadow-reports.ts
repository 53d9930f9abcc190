import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MetricsService, RedisService } from '@modelyard/platform';
import type { ShadowReport } from '@modelyard/types';
import { reportKey, type ShadowConfig } from './shadow-configs.js';
import { latencyBucket, latencySummary, type Comparison } from './shadow-stats.js';

/** Counts are added up here and written to Redis this often (one round trip per report, not per call). */
const FLUSH_MS = 250;
/** A report left behind (a shadow replaced while a replica still wrote to it) expires. */
const REPORT_TTL_SECONDS = 90 * 24 * 3600;

export type CallOutcome = 'seen' | 'sampled' | 'scored' | 'failed' | 'skipped';

/**
 * The shadow reports, aggregated in Redis so every replica adds to the same one: a hash per shadow
 * lifetime (`reportKey`), fields `<version>|<counter>` so an alias's shadow that moves to another
 * version starts its figures afresh. Latencies are kept as histograms with 10% wide buckets.
 */
@Injectable()
export class ShadowReports implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ShadowReports.name);
  private pending = new Map<string, Map<string, number>>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  count(model: string, config: ShadowConfig, version: string, outcome: CallOutcome): void {
    this.add(model, config, version, [[outcome, 1]]);
  }

  scored(model: string, config: ShadowConfig, version: string, c: Comparison, primaryMs: number, shadowMs: number): void {
    this.add(model, config, version, [
      ['scored', 1],
      ['instances', c.instances],
      ['agreed', c.agreed],
      ['diffN', c.diffCount],
      ['diffSum', c.diffSum],
      ['pSum', primaryMs],
      ['sSum', shadowMs],
      [`pb|${latencyBucket(primaryMs)}`, 1],
      [`sb|${latencyBucket(shadowMs)}`, 1],
    ]);
  }

  private add(model: string, config: ShadowConfig, version: string, counts: [string, number][]): void {
    const key = reportKey(model, config.id);
    const fields = this.pending.get(key) ?? new Map<string, number>();
    this.pending.set(key, fields);
    for (const [name, n] of counts) {
      const field = `${version}|${name}`;
      fields.set(field, (fields.get(field) ?? 0) + n);
    }
  }

  /** Writes what was added up; on failure the counts are lost (counted), never retried without bound. */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    // One MULTI per report: each report's keys carry its model's hash tag, so different models'
    // reports may sit on different cluster nodes.
    const writes = [...batch].map(([key, fields]) => {
      const multi = this.redis.client.multi();
      for (const [field, n] of fields) multi.hincrbyfloat(key, field, n);
      return multi.expire(key, REPORT_TTL_SECONDS).exec();
    });
    try {
      await Promise.all(writes);
    } catch (err) {
      this.metrics.backgroundFailures.inc({ loop: 'serving-shadow-report' });
      this.logger.warn(`shadow counts not written: ${String(err)}`);
    }
  }

  async report(model: string, config: ShadowConfig, version: string | null): Promise<ShadowReport> {
    await this.flush();
    const raw = version ? await this.redis.client.hgetall(reportKey(model, config.id)) : {};
    const get = (name: string) => Number(raw[`${version}|${name}`] ?? 0);
    const histogram = (side: 'pb' | 'sb') => {
      const buckets = new Map<number, number>();
      const prefix = `${version}|${side}|`;
      for (const [field, n] of Object.entries(raw)) {
        if (field.startsWith(prefix)) buckets.set(Number(field.slice(prefix.length)), Number(n));
      }
      return buckets;
    };
    const scored = get('scored');
    const instances = get('instances');
    const diffN = get('diffN');
    return {
      model,
      version,
      ...(config.alias ? { alias: config.alias } : {}),
      fraction: config.fraction,
      tolerance: config.tolerance,
      since: config.since,
      calls: { seen: get('seen'), sampled: get('sampled'), scored, failed: get('failed'), skipped: get('skipped') },
      instances,
      agreement: instances > 0 ? get('agreed') / instances : null,
      meanAbsDiff: diffN > 0 ? get('diffSum') / diffN : null,
      latency: {
        primary: latencySummary(scored, get('pSum'), histogram('pb')),
        shadow: latencySummary(scored, get('sSum'), histogram('sb')),
      },
    };
  }
}
