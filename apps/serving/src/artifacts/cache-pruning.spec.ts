import { mkdtempSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneCache, STALE_DOWNLOAD_MS } from './cache-pruning.js';

const sha = (c: string) => c.repeat(64);
let dir: string;
const NOW = Date.parse('2026-12-01T12:00:00Z');

/** A cached artifact of `bytes` bytes last used `ageS` seconds before NOW. */
function cached(name: string, bytes: number, ageS: number) {
  writeFileSync(join(dir, name), Buffer.alloc(bytes));
  const t = (NOW - ageS * 1000) / 1000;
  utimesSync(join(dir, name), t, t);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'serving-cache-'));
  mkdirSync(join(dir, 'tmp'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pruneCache', () => {
  it('removes the least recently used artifacts until the cache fits, never a wanted one', async () => {
    cached(sha('a'), 400, 500); // oldest, but wanted
    cached(sha('b'), 300, 400);
    cached(sha('c'), 300, 300);
    cached(sha('d'), 200, 10);

    const result = await pruneCache(dir, new Set([sha('a')]), 700, NOW);

    expect(result.removed).toEqual([sha('b'), sha('c')]);
    expect(result.keptBytes).toBe(600);
    expect(readdirSync(dir).sort()).toEqual([sha('a'), sha('d'), 'tmp']);
  });

  it('leaves a cache within its budget alone, and keeps wanted artifacts even above it', async () => {
    cached(sha('a'), 500, 100);
    cached(sha('b'), 500, 50);
    expect((await pruneCache(dir, new Set(), 1000, NOW)).removed).toEqual([]);
    const over = await pruneCache(dir, new Set([sha('a'), sha('b')]), 100, NOW);
    expect(over).toEqual({ removed: [], keptBytes: 1000 });
  });

  it('deletes partial downloads older than an hour, keeps recent ones and files that are not artifacts', async () => {
    writeFileSync(join(dir, 'tmp', 'old'), 'x');
    writeFileSync(join(dir, 'tmp', 'recent'), 'x');
    const old = (NOW - STALE_DOWNLOAD_MS - 1000) / 1000;
    utimesSync(join(dir, 'tmp', 'old'), old, old);
    const recent = (NOW - 1000) / 1000;
    utimesSync(join(dir, 'tmp', 'recent'), recent, recent);
    writeFileSync(join(dir, 'README'), 'not an artifact');

    await pruneCache(dir, new Set(), 0, NOW);

    expect(readdirSync(join(dir, 'tmp'))).toEqual(['recent']);
    expect(readdirSync(dir).sort()).toEqual(['README', 'tmp']);
  });
});
