import { closeRedisClient, createRedisClient, type RedisClient, type RedisConfig } from './redis-client.js';

export interface ChannelListener {
  /** A message published on the channel. */
  message(payload: string): void;
  /**
   * Messages are heard from now on. `again`: this follows a time they were not (the connection was
   * lost), and what was published meanwhile is lost for good: catch up or forget what was kept.
   */
  listening?(again: boolean): void;
  /** The connection closed: messages published until `listening` is called again are lost. */
  lost?(): void;
  /** The channel could not be subscribed to; the service goes on without its messages. */
  failed(err: unknown): void;
}

/**
 * One Redis pub/sub channel on a connection of its own (a subscribed connection can do nothing
 * else), the one place where the services' announcement channels (revoked API keys, team changes,
 * model events) handle a lost connection: Redis does not replay what was published meanwhile, so
 * the listener hears when that happened. ioredis subscribes again by itself after a reconnect.
 */
export class ChannelSubscription {
  private subscribing?: Promise<void>;
  private subscribed = false;
  private heardBefore = false;
  private live = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly channel: string,
    private readonly listener: ChannelListener,
  ) {
    client.on('message', (from: string, payload: string) => {
      if (from === channel) listener.message(payload);
    });
    client.on('close', () => {
      if (!this.live) return;
      this.live = false;
      listener.lost?.();
    });
    client.on('ready', () => {
      if (this.subscribed) this.markListening();
      else void this.subscribe();
    });
  }

  /**
   * Connects (named `subscriber:<channel>` in CLIENT LIST) and subscribes; a failure is reported to
   * `listener.failed`, and retried at the next connection.
   */
  static async open(config: RedisConfig, channel: string, listener: ChannelListener): Promise<ChannelSubscription> {
    const subscription = new ChannelSubscription(createRedisClient(config, { name: `subscriber:${channel}` }), channel, listener);
    await subscription.subscribe();
    return subscription;
  }

  /** True while the channel's messages are heard. */
  get listening(): boolean {
    return this.live;
  }

  async close(): Promise<void> {
    this.live = false;
    await closeRedisClient(this.client);
  }

  private subscribe(): Promise<void> {
    this.subscribing ??= this.client.subscribe(this.channel).then(
      () => {
        this.subscribed = true;
        if (this.client.status === 'ready') this.markListening();
      },
      (err: unknown) => {
        this.subscribing = undefined;
        this.listener.failed(err);
      },
    );
    return this.subscribing;
  }

  private markListening(): void {
    if (this.live) return;
    this.live = true;
    const again = this.heardBefore;
    this.heardBefore = true;
    this.listener.listening?.(again);
  }
}
