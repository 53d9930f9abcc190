import { TeamReadCache } from './read-cache.js';
import type { TeamChanges } from './team-changes.js';

/** A TeamChanges whose generation the test moves (undefined: changes could go unheard). */
function changes(start: number | undefined) {
  const state = { generation: start };
  return { state, changes: { generation: () => state.generation } as unknown as TeamChanges };
}

describe('TeamReadCache', () => {
  it('reads once while the generation stays, again once it moves', async () => {
    const { state, changes: c } = changes(1);
    const cache = new TeamReadCache<string>(c);
    let reads = 0;
    const read = async () => `team-${++reads}`;
    expect(await cache.get('m', read)).toBe('team-1');
    expect(await cache.get('m', read)).toBe('team-1');
    expect(reads).toBe(1);
    state.generation = 2;
    expect(await cache.get('m', read)).toBe('team-2');
    expect(reads).toBe(2);
  });

  it('reads the database every time while changes could go unheard', async () => {
    const { changes: c } = changes(undefined);
    const cache = new TeamReadCache<string | null>(c);
    let reads = 0;
    const read = async () => (++reads, null);
    await cache.get('m', read);
    await cache.get('m', read);
    expect(reads).toBe(2);
  });

  it('keeps nothing read while a change was heard', async () => {
    const { state, changes: c } = changes(1);
    const cache = new TeamReadCache<string>(c);
    let reads = 0;
    const read = async () => {
      reads++;
      // The change arrives while this read is in flight: what it read may predate the change.
      if (reads === 1) state.generation = 2;
      return `read-${reads}`;
    };
    expect(await cache.get('m', read)).toBe('read-1');
    expect(await cache.get('m', read)).toBe('read-2');
    expect(await cache.get('m', read)).toBe('read-2');
    expect(reads).toBe(2);
  });

  it('keeps keys apart', async () => {
    const { changes: c } = changes(1);
    const cache = new TeamReadCache<string>(c);
    expect(await cache.get('a', async () => 'A')).toBe('A');
    expect(await cache.get('b', async () => 'B')).toBe('B');
    expect(await cache.get('a', async () => 'other')).toBe('A');
  });
});
