import { ValidationFailed } from '@modelyard/platform';
import { parseModelFilter, parseVersionFilter } from './registry-filter.js';

describe('MLflow registry search filters', () => {
  it('reads name conditions as string filters', () => {
    expect(parseModelFilter("name LIKE '%churn%'")).toEqual({ contains: 'churn' });
    expect(parseModelFilter("name like 'churn%'")).toEqual({ startsWith: 'churn' });
    expect(parseModelFilter("name ILIKE '%-v2'")).toEqual({ endsWith: '-v2' });
    expect(parseModelFilter("name = 'it''s'")).toEqual({ equals: "it's" });
    expect(parseModelFilter("name != 'x'")).toEqual({ not: 'x' });
    expect(parseModelFilter('  ')).toBeUndefined();
  });

  it('refuses what it cannot read without SQL patterns', () => {
    expect(() => parseModelFilter("name LIKE 'a%b'")).toThrow(ValidationFailed);
    expect(() => parseModelFilter("name LIKE 'a_b'")).toThrow(ValidationFailed);
    expect(() => parseModelFilter("tags.x = 'y'")).toThrow(ValidationFailed);
  });

  it('reads version conditions joined by AND, with AND inside quotes left alone', () => {
    expect(parseVersionFilter("name = 'a AND b' and run_id = 'abc' AND tags.`my key` = 'v' AND tags.team = 'x'")).toEqual({
      name: { equals: 'a AND b' },
      runIds: ['abc'],
      tags: [
        { key: 'my key', value: 'v' },
        { key: 'team', value: 'x' },
      ],
    });
    expect(parseVersionFilter("run_id IN ('a', 'b')")).toEqual({ runIds: ['a', 'b'], tags: [] });
    expect(parseVersionFilter("source_path = 'runs:/x/model'")).toEqual({ source: 'runs:/x/model', tags: [] });
    expect(() => parseVersionFilter('version_number > 3')).toThrow(ValidationFailed);
  });
});
