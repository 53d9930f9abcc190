import type { TestApp } from './index.js';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', ' ', 'a', '1.0.0', '-1', '../../etc/passwd', '\u0000', '💥', 'x'.repeat(3000), "'; DROP TABLE x; --", '%00', '{}', 'null', '9'.repeat(40)];

/** A random JSON value: odd strings, extreme numbers, nesting, and objects built from `keys`. */
export function randomValue(rand: () => number, keys: readonly string[], depth = 0): unknown {
  switch (Math.floor(rand() * (depth > 2 ? 5 : 8))) {
    case 0:
      return STRINGS[Math.floor(rand() * STRINGS.length)];
    case 1:
      return [0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.5, 123456789][Math.floor(rand() * 7)];
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
      return 'production';
    case 5:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, keys, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 5) }, () => [keys[Math.floor(rand() * keys.length)]!, randomValue(rand, keys, depth + 1)]),
      );
  }
}

export interface FuzzOptions {
  seed: number;
  /** Values that make path parameters hit real resources part of the time (e.g. {name: 'my-model'}). */
  known: Record<string, string>;
  /** Field names random bodies are built from, and query parameter names tried. */
  bodyKeys: readonly string[];
  queryKeys: readonly string[];
  perRoute?: number;
}

/**
 * Sends random bodies, queries and path values to every route of the app's OpenAPI document and
 * returns each request answered with a 5xx (none is the goal), and how many were sent.
 */
export async function fuzzRoutes(t: TestApp, o: FuzzOptions): Promise<{ sent: number; failures: string[] }> {
  const doc = (await t.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const rand = prng(o.seed);
  const knownValues = Object.values(o.known);
  const failures: string[] = [];
  let sent = 0;
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const method of Object.keys(operations)) {
      for (let i = 0; i < (o.perRoute ?? 12); i++) {
        const segment = () =>
          encodeURIComponent(String(rand() < 0.5 ? randomValue(rand, o.bodyKeys) : knownValues[Math.floor(rand() * knownValues.length)] ?? 'x'));
        const concrete = path.replace(/\{(\w+)\}/g, (_, p: string) => (o.known[p] && rand() < 0.6 ? o.known[p] : segment()));
        const query = rand() < 0.5 ? `?${o.queryKeys[Math.floor(rand() * o.queryKeys.length)]}=${segment()}` : '';
        const body = method === 'get' || method === 'head' || method === 'delete' ? undefined : randomValue(rand, o.bodyKeys);
        const res = await t.request(method.toUpperCase(), `${concrete}${query}`, { body });
        sent++;
        if (res.status >= 500) failures.push(`${method} ${concrete}${query} ${JSON.stringify(body)?.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
  }
  return { sent, failures };
}
