import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';

/**
 * Graceful shutdown. On SIGTERM (Nest's shutdown hooks), before the HTTP server closes: readiness
 * turns false, requests keep being served for SERVING_SHUTDOWN_DELAY_SECONDS (while load balancers
 * and Kubernetes endpoints stop sending), then the predictions in flight are awaited (at most
 * SERVING_DRAIN_TIMEOUT_SECONDS). Only then does the server close, Redis and Postgres after it.
 */
@Injectable()
export class Drain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(Drain.name);
  private draining = false;
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(@Inject(SERVING_SETTINGS) private readonly settings: ServingSettings) {}

  get isDraining(): boolean {
    return this.draining;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Runs a call counted as in flight until it settles. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await call();
    } finally {
      if (--this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.draining = true;
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready; draining ${this.inFlight} calls in flight`);
    if (this.settings.shutdownDelayMs > 0) await sleep(this.settings.shutdownDelayMs);
    if (this.inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await new Promise<boolean>((resolve) => {
      this.idle.push(() => resolve(true));
      timer = setTimeout(() => resolve(false), this.settings.drainTimeoutMs);
    });
    clearTimeout(timer);
    if (!drained) this.logger.warn(`${this.inFlight} calls still in flight after ${this.settings.drainTimeoutMs} ms: closing anyway`);
  }
}
