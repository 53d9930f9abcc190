import { acceptPredictBody, MAX_PREDICT_INSTANCES, PredictBody } from './index.js';

const row = (n: number) => Array.from({ length: n }, (_, i) => i / 10);

/** Bodies around every limit PredictBody has, valid and not; the fast path must never disagree with zod. */
const BODIES: [string, unknown][] = [
  ['one array instance', { instances: [row(20)] }],
  ['a record instance', { instances: [{ age: 3, plan: 'pro', ok: true }] }],
  ['mixed instances', { instances: [row(3), { a: 1 }] }],
  ['an empty array instance', { instances: [[]] }],
  ['the most instances', { instances: Array.from({ length: MAX_PREDICT_INSTANCES }, () => [1]) }],
  ['one instance too many', { instances: Array.from({ length: MAX_PREDICT_INSTANCES + 1 }, () => [1]) }],
  ['the widest array', { instances: [row(100_000)] }],
  ['an array too wide', { instances: [row(100_001)] }],
  ['no instances', { instances: [] }],
  ['instances missing', {}],
  ['instances not an array', { instances: { a: 1 } }],
  ['a null instance', { instances: [null] }],
  ['a number instance', { instances: [3] }],
  ['a string instance', { instances: ['x'] }],
  ['a 256-character key', { instances: [{ ['k'.repeat(256)]: 1 }] }],
  ['a 257-character key', { instances: [{ ['k'.repeat(257)]: 1 }] }],
  ['a key with a control character', { instances: [{ 'a\u0001b': 1 }] }],
  ['a key with a lone surrogate', { instances: [{ 'a\ud800': 1 }] }],
  ['values are not checked here', { instances: [[null, 'x', {}, [1, [2]]]] }],
  ['a unit', { instances: [row(2)], unit: 'user-1' }],
  ['a bad unit', { instances: [row(2)], unit: 'a\u0000' }],
  ['a version target', { instances: [row(2)], target: { version: '1.2.0' } }],
  ['an alias target', { instances: [row(2)], target: { alias: 'champion' } }],
  ['a bad target', { instances: [row(2)], target: { version: 'x', alias: 'y' } }],
  ['probabilities', { instances: [row(2)], return: ['probabilities'] }],
  ['a bad return', { instances: [row(2)], return: ['logits'] }],
  ['an unknown field', { instances: [row(2)], extra: 1 }],
  ['not an object', [row(2)]],
  ['null', null],
];

describe('acceptPredictBody', () => {
  it.each(BODIES)('agrees with PredictBody: %s', (_name, body) => {
    const zod = PredictBody.safeParse(body);
    const fast = acceptPredictBody(body);
    // It may leave a valid body to zod, never accept one zod refuses, and answers zod's value.
    if (fast !== undefined) expect(zod.success && fast).toEqual(zod.data);
    else if (!zod.success) expect(fast).toBeUndefined();
  });

  it('takes the common shapes itself, without zod', () => {
    const common = ['one array instance', 'a record instance', 'mixed instances', 'the most instances', 'a unit'];
    const taken = new Set([...common, 'a version target', 'an alias target', 'probabilities', 'values are not checked here']);
    for (const [name, body] of BODIES.filter(([n]) => taken.has(n))) {
      expect([name, acceptPredictBody(body)]).toEqual([name, PredictBody.parse(body)]);
    }
  });

  it('leaves every invalid body to zod', () => {
    const refused = BODIES.filter(([, body]) => !PredictBody.safeParse(body).success);
    expect(refused.length).toBe(17);
    for (const [name, body] of refused) expect([name, acceptPredictBody(body)]).toEqual([name, undefined]);
  });
});
