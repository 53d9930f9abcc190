import type { GuardrailDef } from '../experiments/experiment.js';
import {
  guardrailVerdict,
  recommend,
  type Comparison,
  type GuardrailVerdict,
  type Recommendation,
  type RecommendationInput,
} from './recommendation.js';

const better = { variant: 'b', diff: 0.02, significant: true };
const best = { variant: 'c', diff: 0.05, significant: true };
const worse = { variant: 'b', diff: -0.02, significant: true };
const worseC = { variant: 'c', diff: -0.01, significant: true };
const unclear = { variant: 'b', diff: 0.01, significant: false };
const verdict = (variant: string, v: GuardrailVerdict['verdict']): GuardrailVerdict => ({
  variant,
  metric: 'latency',
  relativeChange: v === 'insufficient_data' ? null : 0.01,
  maxRelativeDegradation: 0.05,
  verdict: v,
});

function input(change: Partial<RecommendationInput>): RecommendationInput {
  return {
    control: 'a',
    primary: { name: 'conversion', kind: 'binomial', direction: 'higher' },
    comparisons: [better],
    guardrails: [],
    srmFlagged: false,
    units: 1000,
    minSampleSize: null,
    needed: null,
    ...change,
  };
}

const keep = (reason: string): Recommendation => ({ action: 'keep_running', variant: null, reason });
const BEATS = 'b beats control on conversion';

describe('the recommendation', () => {
  it.each<[string, Partial<RecommendationInput>, Recommendation]>([
    ['a significant improvement ships', {}, { action: 'ship', variant: 'b', reason: BEATS }],
    ['with its guardrail passing', { guardrails: [verdict('b', 'pass')] }, { action: 'ship', variant: 'b', reason: BEATS }],
    [
      'a guardrail that warns holds it',
      { guardrails: [verdict('b', 'warn')] },
      keep(`${BEATS}, but guardrail latency of b is warn: it may degrade beyond 5%: not shipping yet`),
    ],
    [
      'a guardrail without data holds it',
      { guardrails: [verdict('b', 'insufficient_data')] },
      keep(`${BEATS}, but guardrail latency of b has insufficient data: not shipping yet`),
    ],
    [
      "another variant's warning does not hold it",
      { guardrails: [verdict('b', 'pass'), verdict('c', 'warn')] },
      { action: 'ship', variant: 'b', reason: BEATS },
    ],
    [
      'a failed guardrail stops, whatever else',
      { guardrails: [verdict('c', 'fail')], srmFlagged: true, units: 1, minSampleSize: 10 },
      { action: 'stop_guardrail', variant: 'c', reason: 'c degrades latency beyond 5%' },
    ],
    [
      'a sample ratio mismatch keeps it running',
      { srmFlagged: true },
      keep('sample ratio mismatch: fix assignment before trusting any result'),
    ],
    ['below minSampleSize keeps it running', { minSampleSize: 1001 }, keep('1000 of the 1001 units per arm required')],
    ['at minSampleSize it ships', { minSampleSize: 1000 }, { action: 'ship', variant: 'b', reason: BEATS }],
    [
      'the best of two improvements ships',
      { comparisons: [better, best] },
      { action: 'ship', variant: 'c', reason: 'c beats control on conversion' },
    ],
    [
      'lower is better: the larger decrease ships',
      { primary: { name: 'loss', kind: 'continuous', direction: 'lower' }, comparisons: [worse, worseC] },
      { action: 'ship', variant: 'b', reason: 'b beats control on loss' },
    ],
    [
      'every treatment worse: control ships',
      { comparisons: [worse, worseC] },
      { action: 'ship', variant: 'a', reason: 'every treatment is worse than control on conversion' },
    ],
    [
      'enough units and nothing significant: no difference',
      { comparisons: [unclear], needed: 900 },
      { action: 'no_difference', variant: null, reason: 'enough units for 80% power and no significant difference' },
    ],
    ['too few units for the power: keeps running', { comparisons: [unclear], needed: 5000 }, keep('no significant difference yet')],
    ['no data: keeps running', { comparisons: [], units: 0 }, keep('no significant difference yet')],
  ])('%s', (_, change, expected) => {
    expect(recommend(input(change))).toEqual(expected);
  });
});

describe('a guardrail verdict', () => {
  const higher: GuardrailDef = { name: 'ctr', kind: 'binomial', direction: 'higher', maxRelativeDegradation: 0.05 };
  const lower: GuardrailDef = { name: 'latency', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.05 };
  const cmp = (lift: number | null, ci: [number, number] | null): Comparison => ({
    variant: 'b',
    metric: 'm',
    test: 'welch',
    diff: null,
    diffCi: null,
    relativeLift: lift,
    relativeLiftCi: ci,
    pValue: null,
    sequentialPValue: null,
    sequentialCi: null,
    chanceToBeatControl: null,
    risk: null,
    cuped: null,
    adjustedPValue: null,
    adjustedCi: null,
    significant: false,
  });

  it.each<[string, GuardrailDef, number | null, [number, number] | null, GuardrailVerdict['verdict']]>([
    ['latency up 20 %, surely past 5 %', lower, 0.2, [0.15, 0.25], 'fail'],
    ['latency up 5.5 %, maybe past 5 %', lower, 0.055, [0.04, 0.07], 'warn'],
    ['latency up 1 %, interval reaching past 5 %', lower, 0.01, [-0.04, 0.06], 'warn'],
    ['latency up 1 %, interval within 5 %', lower, 0.01, [-0.01, 0.03], 'pass'],
    ['latency down 10 %', lower, -0.1, [-0.12, -0.08], 'pass'],
    ['ctr down 20 %, surely past 5 %', higher, -0.2, [-0.25, -0.15], 'fail'],
    ['ctr down 1 %, interval reaching past 5 %', higher, -0.01, [-0.06, 0.04], 'warn'],
    ['ctr up 10 %', higher, 0.1, [0.08, 0.12], 'pass'],
    ['no interval yet', lower, null, null, 'insufficient_data'],
  ])('%s: %s', (_, g, lift, ci, expected) => {
    const v = guardrailVerdict(g, cmp(lift, ci));
    expect(v).toEqual({
      variant: 'b',
      metric: g.name,
      maxRelativeDegradation: 0.05,
      relativeChange: lift,
      verdict: expected,
    });
  });
});
