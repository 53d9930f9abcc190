import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { ensureRedisCluster, type TestRedisCluster } from '../testing/redis-cluster.js';
import { parseClusterNodes } from './cluster-nodes.js';
import { bullKeysPattern, bullPrefix, keyTag } from './key-tags.js';
import { closeRedisClient, createRedisClient, isCluster, keysMatching, type RedisClient } from './redis-client.js';

// Against a real three-master Redis Cluster (started here unless one runs already), and the real single Redis.
let cluster: TestRedisCluster;
let client: RedisClient;
const prefix = `test-tags-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  cluster = await ensureRedisCluster();
  const parsed = parseClusterNodes(cluster.nodes);
  if (!parsed.ok) throw new Error(parsed.problem);
  client = createRedisClient({ url: 'redis://127.0.0.1:6379', prefix, clusterNodes: parsed.nodes }, { keyPrefix: true });
}, 60_000);
afterAll(async () => {
  await closeRedisClient(client);
  await cluster.stop();
});

const slot = async (key: string) => Number(await (client as Cluster).nodes('master')[0]!.cluster('KEYSLOT', key));

describe('hash tags in a Redis Cluster', () => {
  it('puts every key of one entity in one slot, whatever the installation prefix', async () => {
    for (const [entity, id] of [
      ['experiment', 'e1'],
      ['monitor', 'm1'],
      ['pipeline', 'p1'],
      ['model', 'churn'],
    ] as const) {
      const tag = keyTag(entity, id);
      const slots = new Set(await Promise.all([`a:${tag}:units`, `b:${tag}:n`, `${prefix}:${tag}:sums`].map(slot)));
      expect(slots.size).toBe(1);
    }
    expect(keyTag('monitor', 'm1')).toBe('{mon:m1}');
  });

  it('spreads different entities over the slots and the masters', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `exp-${i}`);
    const slots = await Promise.all(ids.map((id) => slot(`${prefix}:${keyTag('experiment', id)}:units`)));
    expect(new Set(slots).size).toBe(30);
    await Promise.all(ids.map((id) => client.set(`${keyTag('experiment', id)}:units`, id)));
    // Which master serves each slot, from CLUSTER SLOTS: [first, last, [host, port, id], …replicas].
    const ranges = await (client as Cluster).nodes('master')[0]!.cluster('SLOTS');
    const owner = (s: number) => ranges.find(([first, last]) => s >= first && s <= last)![2]![1];
    const masters = new Set(slots.map(owner));
    expect(masters.size).toBe(3);
  });

  it('runs MULTI, Lua and MGET over one entity, and refuses them across entities', async () => {
    const k = (id: string, name: string) => `${keyTag('pipeline', id)}:${name}`;
    const results = await client.multi().set(k('p1', 'a'), '1').incr(k('p1', 'b')).exec();
    expect(results).toEqual([
      [null, 'OK'],
      [null, 1],
    ]);
    expect(await client.eval(`return redis.call('GET', KEYS[1]) .. redis.call('GET', KEYS[2])`, 2, k('p1', 'a'), k('p1', 'b'))).toBe('11');
    expect(await client.mget(k('p1', 'a'), k('p1', 'b'))).toEqual(['1', '1']);
    await expect(client.mget(k('p1', 'a'), k('p2', 'a'))).rejects.toThrow(/CROSSSLOT/);
  });

  it('finds an installation’s keys on every master, and tags the BullMQ prefix', async () => {
    const found = await keysMatching(client, `${prefix}:{exp:*`);
    expect(found.length).toBe(30);
    // One slot per queue in a cluster (BullMQ's scripts stay in it), queues spread over the nodes.
    expect(bullPrefix('modelyard', true, 'drift-checks')).toBe('{modelyard:bull:drift-checks}');
    expect(bullPrefix('modelyard', false, 'drift-checks')).toBe('modelyard:bull');
    const queues = ['drift-checks', 'learning-updates', 'retrain', 'webhooks'];
    const slotOf = (key: string) => client.call('CLUSTER', 'KEYSLOT', key);
    const slots = await Promise.all(queues.map((q) => slotOf(`${bullPrefix('modelyard', true, q)}:${q}:wait`)));
    expect(new Set(slots).size).toBe(4);
    // A queue's keys share their slot.
    expect(await slotOf(`${bullPrefix('modelyard', true, 'retrain')}:retrain:meta`)).toBe(slots[2]);
    expect(bullKeysPattern('modelyard', true)).toBe('{modelyard:bull:*');
    expect(bullKeysPattern('modelyard', false)).toBe('modelyard:bull:*');
    await Promise.all([...found, ...(await keysMatching(client, `${prefix}:*`))].map((key) => client.del(key.slice(prefix.length + 1))));
    expect(await keysMatching(client, `${prefix}:*`)).toEqual([]);
  });
});

describe('single-node mode', () => {
  it('is a plain Redis client with the prefix, as before', async () => {
    const single = createRedisClient(
      { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, clusterNodes: [] },
      { keyPrefix: true },
    );
    try {
      expect(isCluster(single)).toBe(false);
      expect(single).toBeInstanceOf(Redis);
      await single.set('x', '1');
      // Keys of different entities share the server: a cross-entity MGET still works there.
      expect(await single.mget('x', `${keyTag('experiment', 'e9')}:n`)).toEqual(['1', null]);
      expect(await keysMatching(single, `${prefix}:*`)).toEqual([`${prefix}:x`]);
      await single.del('x');
    } finally {
      await closeRedisClient(single);
    }
  });

  it('reads REDIS_CLUSTER_NODES strictly', () => {
    expect(parseClusterNodes('')).toEqual({ ok: true, nodes: [] });
    expect(parseClusterNodes('10.0.0.1:7000, redis-b:7001,[::1]:7002')).toEqual({
      ok: true,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(parseClusterNodes('10.0.0.1')).toEqual({ ok: false, problem: "'10.0.0.1' is not host:port" });
    expect(parseClusterNodes('a:70000')).toEqual({ ok: false, problem: "'a:70000' is not host:port" });
  });
});
