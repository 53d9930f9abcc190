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

/** Names a plain object "has" without owning them: a lookup by user input finds Object's. */
export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Strings that once reached Postgres, a plain-object lookup or a stream and answered 5xx. */
export const HOSTILE_STRINGS = ['a\u0000b', '\u001b[31m', 'x\ud800', '\udc00', ...PROTOTYPE_NAMES] as const;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
/** Cursors no endpoint returned: NUL inside, ids past bigint, invalid UTF-8, not base64url at all. */
export const HOSTILE_CURSORS = [
  b64('\u0000'),
  b64('a\u0000b'),
  b64('9'.repeat(19)),
  b64('9'.repeat(40)),
  b64('-1'),
  Buffer.from([0x61, 0xff, 0xfe]).toString('base64url'),
  '!!!',
  '\u0000',
  'x\ud800',
];

const STRINGS = [
  ...['', ' ', 'a', '1.0.0', '-1', '../../etc/passwd', '💥', 'x'.repeat(3000), "'; DROP TABLE x; --", '%00', '{}'],
  ...['null', '9'.repeat(40), ...HOSTILE_STRINGS],
];

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

/**
 * Percent-encodes a path segment or query value. A lone surrogate, which encodeURIComponent
 * refuses, is sent as its three WTF-8 bytes: what a careless client puts on the wire.
 */
export function encodeValue(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
      out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** JSON text nested `depth` levels deep, objects and arrays alternating. */
export function deepJson(depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '[' : '{"a":';
    close = (i % 2 ? ']' : '}') + close;
  }
  return `${open}1${close}`;
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

interface Operation {
  path: string;
  method: string;
  query: string[];
  hasBody: boolean;
}

interface Probe {
  method: string;
  url: string;
  body?: unknown;
  raw?: string;
}

type DocOperation = { parameters?: { name: string; in: string }[]; requestBody?: unknown };
type OpenApiDoc = { paths: Record<string, Record<string, DocOperation>> };

function operations(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      path,
      method: method.toUpperCase(),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      hasBody: Boolean(op.requestBody) || !['GET', 'HEAD', 'DELETE'].includes(method.toUpperCase()),
    })),
  );
}

/** The operation's path with `param` set to `value` and every other parameter known (or `x`). */
function pathWith(op: Operation, o: FuzzOptions, param?: string, value?: string): string {
  return op.path.replace(/\{(\w+)\}/g, (_, p: string) => encodeValue(p === param ? value! : (o.known[p] ?? 'x')));
}

/** The random probes the fuzzer always sent: random path values, one query parameter, random bodies. */
function randomProbes(op: Operation, o: FuzzOptions, rand: () => number): Probe[] {
  const knownValues = Object.values(o.known);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const segment = () => encodeValue(String(rand() < 0.5 ? randomValue(rand, o.bodyKeys) : (pick(knownValues) ?? 'x')));
  return Array.from({ length: o.perRoute ?? 12 }, () => {
    const known = (p: string) => (o.known[p] && rand() < 0.6 ? encodeValue(o.known[p]) : segment());
    const concrete = op.path.replace(/\{(\w+)\}/g, (_, p: string) => known(p));
    const query = rand() < 0.5 ? `?${pick(o.queryKeys)}=${segment()}` : '';
    const body = op.hasBody ? randomValue(rand, o.bodyKeys) : undefined;
    return { method: op.method, url: `${concrete}${query}`, body };
  });
}

/**
 * The hostile cases, each on every operation it applies to: every hostile string (prototype
 * names included) in every path parameter and declared query parameter, odd cursors, bodies whose
 * every field holds a hostile string, bodies keyed by prototype names, and 100- and 2,000-level
 * nesting.
 */
function hostileProbes(op: Operation, o: FuzzOptions): Probe[] {
  const { method } = op;
  const probes: Probe[] = [];
  for (const [, param] of op.path.matchAll(/\{(\w+)\}/g)) {
    for (const value of HOSTILE_STRINGS) probes.push({ method, url: pathWith(op, o, param, value) });
  }
  const base = pathWith(op, o);
  for (const name of op.query.filter((q) => q !== 'cursor')) {
    for (const value of HOSTILE_STRINGS) probes.push({ method, url: `${base}?${name}=${encodeValue(value)}` });
  }
  if (op.query.includes('cursor')) {
    for (const cursor of HOSTILE_CURSORS) probes.push({ method, url: `${base}?cursor=${encodeValue(cursor)}` });
  }
  if (!op.hasBody) return probes;
  for (const value of HOSTILE_STRINGS) {
    probes.push({ method, url: base, body: Object.fromEntries(o.bodyKeys.map((k) => [k, value])) });
  }
  probes.push({ method, url: base, body: Object.fromEntries(PROTOTYPE_NAMES.map((k) => [k, { [k]: 1 }])) });
  for (const depth of [100, 2000]) probes.push({ method, url: base, raw: deepJson(depth) });
  return probes;
}

async function send(t: TestApp, p: Probe): Promise<string | null> {
  const headers = p.raw === undefined ? undefined : { 'content-type': 'application/json' };
  const describe = `${p.method} ${p.url} ${(p.raw ?? JSON.stringify(p.body))?.slice(0, 200)}`;
  try {
    const res = await t.request(p.method, p.url, { body: p.body, raw: p.raw, headers });
    return res.status >= 500 ? `${describe} → ${res.status} ${res.text.slice(0, 200)}` : null;
  } catch (err) {
    return `${describe} → no answer: ${String(err)}`;
  }
}

/**
 * Sends random and hostile bodies, queries and path values to every route of the app's OpenAPI
 * document and returns each request answered with a 5xx or not answered (none is the goal), and
 * how many were sent. Afterwards the service must still be alive and ready.
 */
export async function fuzzRoutes(t: TestApp, o: FuzzOptions): Promise<{ sent: number; failures: string[] }> {
  const doc = (await t.request('GET', '/openapi.json')).body as OpenApiDoc;
  const rand = prng(o.seed);
  const failures: string[] = [];
  let sent = 0;
  for (const op of operations(doc)) {
    for (const probe of [...randomProbes(op, o, rand), ...hostileProbes(op, o)]) {
      const failure = await send(t, probe);
      sent++;
      if (failure) failures.push(failure);
    }
  }
  for (const path of ['/health/live', '/health/ready']) {
    const status = await t.request('GET', path, { as: null }).then(
      (r) => r.status,
      (err: unknown) => String(err),
    );
    if (status !== 200) failures.push(`after fuzzing, ${path} → ${status}`);
  }
  return { sent, failures };
}
