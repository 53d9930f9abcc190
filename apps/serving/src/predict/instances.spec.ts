import { ValidationFailed } from '@modelyard/platform';
import type { Layout } from '../runtime/layout.js';
import { instancesToFeeds } from './instances.js';
import { putValue } from './values.js';

const features = [
  { name: 'age', kind: 'numeric' as const },
  { name: 'member', kind: 'boolean' as const },
];
const matrix: Layout = {
  kind: 'matrix',
  input: { name: 'input', datatype: 'FP32', shape: [-1, 2] },
  width: 2,
  features,
};

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationFailed) return err.errors.map((e) => `${e.field}: ${e.message}`);
    throw err;
  }
  throw new Error('no validation error');
}

describe('instancesToFeeds', () => {
  it('writes records by name and arrays by position into one row-major matrix', () => {
    const feeds = instancesToFeeds(matrix, [{ member: true, age: 30 }, [41.5, 0], { age: -1, member: false }]);
    const input = feeds.get('input')!;
    expect(input.shape).toEqual([3, 2]);
    expect(Array.from(input.data as Float32Array)).toEqual([30, 1, 41.5, 0, -1, 0]);
  });

  it('fills one tensor per feature in the columns layout, [N] or [N, 1] as the input is', () => {
    const layout: Layout = {
      kind: 'columns',
      features: [
        { name: 'plan', kind: 'categorical' },
        { name: 'n', kind: 'numeric' },
      ],
      inputs: [
        { name: 'plan', datatype: 'BYTES', shape: [-1, 1] },
        { name: 'n', datatype: 'INT64', shape: [-1] },
      ],
    };
    const feeds = instancesToFeeds(layout, [{ plan: 'pro', n: 3 }, ['free', 4]]);
    expect(feeds.get('plan')).toEqual({ datatype: 'BYTES', shape: [2, 1], data: ['pro', 'free'] });
    expect(feeds.get('n')).toEqual({ datatype: 'INT64', shape: [2], data: BigInt64Array.of(3n, 4n) });
  });

  it('names every bad field by instance and feature, and refuses unknown ones', () => {
    expect(errorsOf(() => instancesToFeeds(matrix, [{ age: 1 }, { age: 'old', member: 2, extra: 1 }, [1], [1, 'yes']]))).toEqual([
      'instances.0.member: missing',
      'instances.1.extra: not a feature of this model (its features: age, member)',
      'instances.1.age: must be a finite number, not a string',
      'instances.1.member: must be a boolean (boolean feature)',
      'instances.2: expected 2 values (age, member), got 1',
      'instances.3.1: member must be a boolean (boolean feature)',
    ]);
  });

  it('reads only own properties of a record', () => {
    const proto = Object.create({ age: 1, member: true }) as Record<string, unknown>;
    expect(errorsOf(() => instancesToFeeds(matrix, [proto]))).toEqual(['instances.0.age: missing', 'instances.0.member: missing']);
  });

  it('wants arrays when the version declares no schema, all as wide as the first', () => {
    const positional: Layout = {
      kind: 'matrix',
      input: { name: 'x', datatype: 'FP64', shape: [-1, -1] },
      width: null,
      features: null,
    };
    expect(instancesToFeeds(positional, [[1, 2, 3]]).get('x')!.shape).toEqual([1, 3]);
    expect(errorsOf(() => instancesToFeeds(positional, [[1, 2, 3], { a: 1 }, [1]]))).toEqual([
      'instances.1: this version declares no input schema: send an array of 3 numbers',
      'instances.2: expected 3 values, got 1',
    ]);
  });
});

describe('putValue', () => {
  const put = (datatype: Parameters<typeof putValue>[0], value: unknown, kind?: Parameters<typeof putValue>[4]) => {
    const data = datatype === 'BYTES' ? [''] : datatype === 'INT64' ? new BigInt64Array(1) : new Float64Array(1);
    return { problem: putValue(datatype, data, 0, value, kind), value: data[0] };
  };

  it.each([
    ['FP64', Infinity, undefined, 'must be a finite number, not Infinity'],
    ['FP64', NaN, undefined, 'must be a finite number, not NaN'],
    ['FP32', 3.5e38, undefined, 'is out of the FP32 range'],
    ['INT32', 1.5, undefined, 'must be an integer (INT32), not 1.5'],
    ['INT32', 2 ** 31, undefined, 'is out of the INT32 range'],
    ['UINT8', -1, undefined, 'is out of the UINT8 range'],
    ['BOOL', 'true', undefined, 'must be a boolean'],
    ['BYTES', 1, 'categorical', 'must be a string (categorical feature)'],
    ['FP32', 'pro', 'categorical', 'must be a string (categorical feature)'],
    ['FP32', true, undefined, 'must be a finite number, not a boolean'],
  ] as const)('%s refuses %p', (datatype, value, kind, problem) => {
    expect(put(datatype, value, kind).problem).toBe(problem);
  });

  it('stores 64-bit integers exactly as BigInt and booleans as 1/0', () => {
    expect(put('INT64', 2 ** 53 - 1)).toEqual({ problem: null, value: BigInt(2 ** 53 - 1) });
    expect(put('INT64', true, 'boolean')).toEqual({ problem: null, value: 1n });
    expect(put('FP64', false, 'boolean')).toEqual({ problem: null, value: 0 });
    expect(put('FP64', 1, 'boolean')).toEqual({ problem: null, value: 1 });
  });
});
