import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A download left under tmp/ this long belongs to a process that died mid-download. */
export const STALE_DOWNLOAD_MS = 60 * 60_000;

const CACHED_FILE = /^[0-9a-f]{64}$/;

export interface PruneResult {
  removed: string[];
  /** Bytes of cached artifacts left on disk. */
  keptBytes: number;
}

interface Entry {
  name: string;
  bytes: number;
  usedAt: number;
}

async function entries(dir: string): Promise<Entry[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => CACHED_FILE.test(n));
  const found = await Promise.all(
    names.map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => null);
      return s ? { name, bytes: s.size, usedAt: s.mtimeMs } : null;
    }),
  );
  return found.filter((e): e is Entry => e !== null);
}

/**
 * Keeps the disk cache under `maxBytes`: the least recently used artifacts go first (a cache hit
 * touches its file), never one of `wanted` (the versions serving now, which a restart loads again),
 * so a cache holding only wanted artifacts may stay above the budget. Stale partial downloads go too.
 */
export async function pruneCache(dir: string, wanted: ReadonlySet<string>, maxBytes: number, now = Date.now()): Promise<PruneResult> {
  const tmp = join(dir, 'tmp');
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    const s = await stat(join(tmp, name)).catch(() => null);
    if (s && now - s.mtimeMs > STALE_DOWNLOAD_MS) await rm(join(tmp, name), { force: true });
  }
  const all = await entries(dir);
  let total = all.reduce((sum, e) => sum + e.bytes, 0);
  const removed: string[] = [];
  const candidates = all.filter((e) => !wanted.has(e.name)).sort((a, b) => a.usedAt - b.usedAt);
  for (const e of candidates) {
    if (total <= maxBytes) break;
    await rm(join(dir, e.name), { force: true });
    total -= e.bytes;
    removed.push(e.name);
  }
  return { removed, keptBytes: total };
}
