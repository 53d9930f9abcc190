import type { z } from 'zod';
import * as contract from './index.js';
import {
  CreateModelBody,
  DriftRecord,
  JsonValue,
  PageQuery,
  SamplesBody,
  STRING_CHECKS,
  isSafeString,
  safeString,
  safeText,
} from './index.js';

interface Def {
  type: string;
  checks?: unknown[];
  format?: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  getter?: () => z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  left?: z.ZodType;
  right?: z.ZodType;
}

/** Schemas only the services produce (parts of responses, reports, webhook payloads). */
const RESPONSE_PARTS = new Set([
  'Problem',
  'LoadFailure',
  'ServedVersion',
  'PredictionValue',
  'OipError',
  'OipModelMetadata',
  'OipModelReady',
  'OipResponseOutput',
  'OipServerMetadata',
  'OipTensorMetadata',
  'OutboxEventNotice',
  'AliasHistoryEntry',
  'ValidationReport',
  'ApprovalsMissingProblem',
  'ShadowReport',
  'ShadowLatency',
  'Conclusion',
  'FeatureDrift',
  'RuleResult',
  'OperationalSignals',
  'DriftReportBody',
  'RecentRecord',
  'GateResult',
  'UpdateEntry',
  'TrialEntry',
  'TuningSummary',
  'MetricSummary',
  'WeightPeriod',
  'FeatureQuality',
  'InvalidValue',
  'RunSummary',
  'RunArtifactList',
  'WebhookPayload',
]);

// Formats that fix the character set themselves: nothing a control character could slip through.
const STRICT_FORMATS = new Set(['uuid', 'datetime']);

function isGuarded(def: Def): boolean {
  const checks = def.checks ?? [];
  if (def.format && STRICT_FORMATS.has(def.format)) return true;
  return (
    checks.includes(STRING_CHECKS.wellFormed) &&
    (checks.includes(STRING_CHECKS.noControl) || checks.includes(STRING_CHECKS.noControlButWhitespace))
  );
}

function children(def: Def): [string, z.ZodType][] {
  const out: [string, z.ZodType | null | undefined][] = [
    ...Object.entries(def.shape ?? {}),
    ['*', def.catchall],
    ['[]', def.element],
    ...(def.options ?? []).map((o, i): [string, z.ZodType] => [`|${i}`, o]),
    ['{key}', def.keyType],
    ['{value}', def.valueType],
    ['', def.innerType],
    ['<in>', def.in],
    ['<out>', def.out],
    ['', def.getter?.()],
    ...(def.items ?? []).map((o, i): [string, z.ZodType] => [`[${i}]`, o]),
    ['[...]', def.rest],
    ['&', def.left],
    ['&', def.right],
  ];
  return out.filter((c): c is [string, z.ZodType] => Boolean(c[1]));
}

/** Paths of every string schema reachable from `schema` that lacks the safe-string checks. */
function bareStrings(schema: z.ZodType, path: string, seen: Set<unknown>, found: string[]) {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.type === 'string' && !isGuarded(def)) found.push(path);
  for (const [key, child] of children(def)) bareStrings(child, key ? `${path}.${key}` : path, seen, found);
}

describe('safe strings', () => {
  it('guard every string of every request, job and shared schema (responses are ours)', () => {
    const found: string[] = [];
    for (const [name, value] of Object.entries(contract)) {
      const isSchema = typeof value === 'object' && value !== null && '_zod' in value;
      if (!isSchema || /(Response|Page)$/.test(name) || RESPONSE_PARTS.has(name)) continue;
      bareStrings(value as z.ZodType, name, new Set(), found);
    }
    expect(found).toEqual([]);
  });

  it.each([
    ['NUL', 'a\u0000b', /control characters/],
    ['a C0 control character', 'a\u001bb', /control characters/],
    ['a lone high surrogate', 'a\ud800b', /lone surrogate/],
    ['a lone low surrogate', '\udc00', /lone surrogate/],
  ])('refuse %s, naming the field', (_what, bad, message) => {
    const result = CreateModelBody.safeParse({ name: 'm', owner: bad });
    const issue = expect.objectContaining({ path: ['owner'], message: expect.stringMatching(message) });
    expect(result.error?.issues).toEqual([issue]);
    expect(isSafeString(bad)).toBe(false);
  });

  it('let free text hold tabs and line breaks, but not names', () => {
    expect(safeText().safeParse('line one\r\n\tline two').success).toBe(true);
    expect(safeString().safeParse('a\tb').success).toBe(false);
    expect(CreateModelBody.safeParse({ name: 'm', description: 'two\nlines' }).success).toBe(true);
  });

  it('accept every well-formed character outside C0, surrogate pairs included', () => {
    expect(safeString().safeParse('żółć 💥 \u007f \u00a0 日本').success).toBe(true);
    expect(isSafeString('💥')).toBe(true);
  });

  it('reach keys and values of free-form maps, and query strings', () => {
    const pathOf = (result: { error?: z.ZodError }) => result.error?.issues[0]?.path;
    expect(pathOf(DriftRecord.safeParse({ features: { 'a\u0000': 1 } }))).toEqual(['features', 'a\u0000']);
    expect(pathOf(DriftRecord.safeParse({ features: { a: 'x\u0000' } }))).toEqual(['features', 'a']);
    expect(pathOf(SamplesBody.safeParse({ samples: [{ y: 1, c: '\ud800' }] }))).toEqual(['samples', 0, 'c']);
    expect(JsonValue.safeParse({ a: [{ b: 'x\u0000' }] }).success).toBe(false);
    expect(pathOf(PageQuery.safeParse({ cursor: 'AA\u0000' }))).toEqual(['cursor']);
  });
});
