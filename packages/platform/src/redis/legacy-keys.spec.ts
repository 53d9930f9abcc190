import { randomUUID } from 'node:crypto';
import { keyTag } from './key-tags.js';
import { moveLegacyKeys, untaggedEntityRule } from './legacy-keys.js';
import { closeRedisClient, createRedisClient } from './redis-client.js';

// A single Redis (the only kind that can hold keys of the earlier layout), under this file's own prefix.
const prefix = `test-legacy-${randomUUID().slice(0, 8)}`;
const client = createRedisClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, clusterNodes: [] }, { keyPrefix: true });
const rules = [untaggedEntityRule('learn', (id) => keyTag('pipeline', id))];

afterAll(async () => {
  const raw = createRedisClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, clusterNodes: [] });
  const keys = await raw.keys(`${prefix}:*`);
  if (keys.length) await raw.del(...keys);
  await closeRedisClient(raw);
  await closeRedisClient(client);
});

describe('moveLegacyKeys', () => {
  it('moves every key of the untagged layout to its tagged name with its value, type and expiry', async () => {
    await client.rpush('learn:p1:buffer', 'a', 'b', 'c');
    await client.set('learn:p1:head', '7', 'EX', 3600);
    await client.hset('learn:p2:dropped', { overflow: '3' });

    expect(await moveLegacyKeys(client, prefix, rules)).toEqual({ moved: 3, kept: 0 });

    expect(await client.lrange('{pipe:p1}:buffer', 0, -1)).toEqual(['a', 'b', 'c']);
    expect(await client.get('{pipe:p1}:head')).toBe('7');
    expect(await client.ttl('{pipe:p1}:head')).toBeGreaterThan(3500);
    expect(await client.hgetall('{pipe:p2}:dropped')).toEqual({ overflow: '3' });
    expect(await client.exists('learn:p1:buffer', 'learn:p1:head', 'learn:p2:dropped')).toBe(0);
    // A second start finds nothing left to move.
    expect(await moveLegacyKeys(client, prefix, rules)).toEqual({ moved: 0, kept: 0 });
  });

  it('never overwrites a tagged key written since: the old key stays, counted as kept', async () => {
    await client.rpush('learn:p3:buffer', 'old');
    await client.rpush('{pipe:p3}:buffer', 'new');

    expect(await moveLegacyKeys(client, prefix, rules)).toEqual({ moved: 0, kept: 1 });

    expect(await client.lrange('{pipe:p3}:buffer', 0, -1)).toEqual(['new']);
    expect(await client.lrange('learn:p3:buffer', 0, -1)).toEqual(['old']);
    await client.del('learn:p3:buffer');
  });

  it('leaves keys the rule does not name (no id or no name after it) alone', async () => {
    await client.set('learn:lonely', 'x');
    expect(await moveLegacyKeys(client, prefix, rules)).toEqual({ moved: 0, kept: 0 });
    expect(await client.get('learn:lonely')).toBe('x');
  });
});
