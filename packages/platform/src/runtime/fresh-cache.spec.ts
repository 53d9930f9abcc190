import { FreshCache } from './fresh-cache.js';

/** A loader whose loads the test settles by hand, in order. */
function manualLoader() {
  const loads: { key: string; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = (key: string) =>
    new Promise<string>((resolve, reject) => {
      loads.push({ key, resolve, reject });
    });
  return { loads, load };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('FreshCache', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('shares one load among concurrent misses and answers a fresh value at once, without a promise', async () => {
    const { loads, load } = manualLoader();
    const cache = new FreshCache(load, 1_000, 10, clock);
    const first = cache.get('a');
    const second = cache.get('a');
    const other = cache.get('b');
    expect(loads.map((l) => l.key)).toEqual(['a', 'b']);
    loads[0]!.resolve('a1');
    loads[1]!.resolve('b1');
    expect(await Promise.all([first, second, other])).toEqual(['a1', 'a1', 'b1']);
    now += 499;
    expect(cache.get('a')).toBe('a1');
    expect(loads).toHaveLength(2);
  });

  it('refreshes in the background past half the age, and makes callers wait once the age is reached', async () => {
    const { loads, load } = manualLoader();
    const cache = new FreshCache(load, 1_000, 10, clock);
    const first = cache.get('a');
    loads[0]!.resolve('v1');
    await first;
    now += 500;
    // Still served; one refresh goes out, however many callers see the value.
    expect([cache.get('a'), cache.get('a')]).toEqual(['v1', 'v1']);
    expect(loads).toHaveLength(2);
    loads[1]!.resolve('v2');
    await settled();
    expect(cache.get('a')).toBe('v2');
    // v2's load started at +500: at +1,500 it is too old and callers wait for a new one.
    now += 1_000;
    const waited = cache.get('a');
    expect(waited).toBeInstanceOf(Promise);
    expect(loads).toHaveLength(3);
    loads[2]!.resolve('v3');
    expect(await waited).toBe('v3');
  });

  it('counts a value`s age from the start of its load, so a slow load is not served past the age', async () => {
    const { loads, load } = manualLoader();
    const cache = new FreshCache(load, 1_000, 10, clock);
    const first = cache.get('a');
    now += 900;
    loads[0]!.resolve('slow');
    expect(await first).toBe('slow');
    now += 100;
    expect(cache.get('a')).toBeInstanceOf(Promise);
  });

  it('rejects every waiter of a failed load and tries again on the next get; a failed refresh keeps the value until its age', async () => {
    const { loads, load } = manualLoader();
    const cache = new FreshCache(load, 1_000, 10, clock);
    const a = cache.get('a');
    const b = cache.get('a');
    loads[0]!.reject(new Error('no such experiment'));
    await expect(a).rejects.toThrow('no such experiment');
    await expect(b).rejects.toThrow('no such experiment');
    const again = cache.get('a');
    expect(loads).toHaveLength(2);
    loads[1]!.resolve('v1');
    expect(await again).toBe('v1');
    now += 600;
    expect(cache.get('a')).toBe('v1');
    loads[2]!.reject(new Error('database down'));
    await settled();
    now += 300;
    expect(cache.get('a')).toBe('v1');
    // The failed refresh is not in flight any more: a new one goes out.
    expect(loads).toHaveLength(4);
    now += 100;
    expect(cache.get('a')).toBeInstanceOf(Promise);
  });

  it('starts afresh past maxKeys values, so keys taken from requests cannot grow it without bound', async () => {
    const { loads, load } = manualLoader();
    const cache = new FreshCache(load, 1_000, 2, clock);
    for (const key of ['a', 'b', 'c']) {
      const got = cache.get(key);
      loads.at(-1)!.resolve(key);
      await got;
    }
    // 'c' found two values kept: they went, so 'a' is loaded again.
    expect(cache.get('c')).toBe('c');
    expect(cache.get('a')).toBeInstanceOf(Promise);
    expect(loads).toHaveLength(4);
  });
});
