import { AssignmentCache, OUTSIDE_TTL_MS } from './assignment-cache.js';

describe('AssignmentCache', () => {
  it('keeps a unit inside for good, a unit outside for OUTSIDE_TTL_MS, apart per experiment', () => {
    const cache = new AssignmentCache(10);
    cache.set('e1', 'u1', 'treatment', 0);
    cache.set('e1', 'u2', null, 0);
    expect([cache.get('e1', 'u1', 10 ** 9), cache.get('e2', 'u1', 0), cache.get('e1', 'u2', OUTSIDE_TTL_MS - 1)]).toEqual([
      'treatment',
      undefined,
      null,
    ]);
    expect(cache.get('e1', 'u2', OUTSIDE_TTL_MS)).toBeUndefined();
    // Taken in later (a coverage change): inside from now on.
    cache.set('e1', 'u2', 'control', OUTSIDE_TTL_MS);
    expect(cache.get('e1', 'u2', 10 ** 9)).toBe('control');
  });

  it('evicts the least recently used units beyond its size', () => {
    const cache = new AssignmentCache(3);
    for (const u of ['a', 'b', 'c']) cache.set('e', u, 'v');
    expect(cache.get('e', 'a')).toBe('v'); // a is now the most recent
    cache.set('e', 'd', 'v');
    expect(['a', 'b', 'c', 'd'].map((u) => cache.get('e', u))).toEqual(['v', undefined, 'v', 'v']);
    expect(cache.size).toBe(3);
  });
});
