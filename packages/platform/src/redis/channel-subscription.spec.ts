import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { testRedis, testRedisConfig } from '../testing/redis.js';
import { ChannelSubscription } from './channel-subscription.js';
import type { RedisClient } from './redis-client.js';

// Against the real Redis: messages, and what the listener hears when its connection is killed.
let publisher: RedisClient;
beforeAll(() => {
  publisher = testRedis();
});
afterAll(() => publisher.quit());

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(50);
  expect(check()).toBe(true);
}

it('hears its channel only, says when messages were lost, and listens again after a reconnect', async () => {
  const channel = `test-channel-${randomUUID()}`;
  const heard: string[] = [];
  const subscription = await ChannelSubscription.open(testRedisConfig(), channel, {
    message: (payload) => heard.push(`message ${payload}`),
    listening: (again) => heard.push(again ? 'listening again' : 'listening'),
    lost: () => heard.push('lost'),
    failed: (err) => heard.push(`failed ${String(err)}`),
  });
  try {
    await until(() => subscription.listening);
    await publisher.publish(`${channel}-other`, 'not mine');
    await publisher.publish(channel, 'a');
    await until(() => heard.length === 2);
    expect(heard).toEqual(['listening', 'message a']);

    // The server drops the connection (as a failover or a network cut would).
    const clients = String(await publisher.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const id = new RegExp(`id=(\\d+) [^\\n]* name=subscriber:${channel} `).exec(clients)?.[1];
    expect(id).toBeDefined();
    await publisher.call('CLIENT', 'KILL', 'ID', id!);
    await until(() => heard.length === 4 && subscription.listening);
    expect(heard.slice(2)).toEqual(['lost', 'listening again']);

    // ioredis subscribed again by itself.
    await until(() => {
      void publisher.publish(channel, 'b');
      return heard.includes('message b');
    });
  } finally {
    await subscription.close();
  }
  expect(subscription.listening).toBe(false);
});
