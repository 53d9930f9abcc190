import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ServingSettings } from '../config.js';
import { SERVING_SETTINGS } from '../serving.tokens.js';
import { PredictionTaps } from '../taps/prediction-taps.js';

/** Requests can arrive right behind the last one answered (a client's next call, bytes still buffered). */
const QUIET_MS = 50;

/**
 * Graceful shutdown. On SIGTERM (Nest's shutdown hooks), before the HTTP server closes: readiness
 * turns false, requests keep being served for SERVING_SHUTDOWN_DELAY_SECONDS (while load balancers
 * and Kubernetes endpoints stop sending), then every request already received is answered (at
 * most SERVING_DRAIN_TIMEOUT_SECONDS) and the server stays open until none has arrived for
 * QUIET_MS. Only then does it close, Redis and Postgres after it. Requests are counted from their
 * arrival at the HTTP server to the end of their response, whatever the route.
 */
@Injectable()
export class Drain implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(Drain.name);
  private draining = false;
  private inFlight = 0;
  private lastArrival = 0;

  constructor(
    @Inject(SERVING_SETTINGS) private readonly settings: ServingSettings,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(PredictionTaps) private readonly taps: PredictionTaps,
  ) {}

  get isDraining(): boolean {
    return this.draining;
  }

  onModuleInit(): void {
    // Counted where Node's HTTP server hands the request over, before any Fastify hook: the
    // platform authenticates in an earlier onRequest hook, and a request waiting there is in flight too.
    const server = this.host.httpAdapter.getHttpServer() as Server;
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.inFlight++;
      this.lastArrival = Date.now();
      // 'close' fires once per response, answered or cut off by the client.
      response.once('close', () => this.inFlight--);
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.drain(signal);
    // What the last predictions queued (exposures, prediction logs) is handed over before Redis closes.
    await this.taps.flush();
  }

  private async drain(signal?: string): Promise<void> {
    this.draining = true;
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}: not ready; ${this.inFlight} requests in flight`);
    if (this.settings.shutdownDelayMs > 0) await sleep(this.settings.shutdownDelayMs);
    const deadline = Date.now() + this.settings.drainTimeoutMs;
    while (this.inFlight > 0 || Date.now() - this.lastArrival < QUIET_MS) {
      if (Date.now() > deadline) {
        this.logger.warn(`${this.inFlight} requests still in flight after ${this.settings.drainTimeoutMs} ms: closing anyway`);
        return;
      }
      await sleep(5);
    }
  }
}
