import { FilterSyntaxError, parseOrderTerm, parseRunFilter } from './run-filter.js';
import { filterSql, orderSql } from './run-filter-sql.js';

const failure = (text: string) => {
  try {
    parseRunFilter(text);
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { position: err.position, reason: err.reason };
    throw err;
  }
  throw new Error(`'${text}' parsed`);
};

describe('run filter grammar', () => {
  it('parses metrics, params, tags and attributes joined by AND (any case)', () => {
    expect(parseRunFilter("metrics.auc > 0.9 and params.depth = '6' AND tags.team = \"growth\" and status != 'FAILED'")).toEqual([
      { kind: 'metric', key: 'auc', op: '>', value: 0.9 },
      { kind: 'param', key: 'depth', op: '=', value: '6' },
      { kind: 'tag', key: 'team', op: '=', value: 'growth' },
      { kind: 'attribute', name: 'status', op: '!=', value: 'FAILED' },
    ]);
  });

  it('takes quoted keys, dotted keys, lists, LIKE, numbers in exponent form and doubled quotes', () => {
    expect(parseRunFilter("metrics.`val loss` <= -1.5e-3 and tags.mlflow.runName LIKE 'a%' and params.x IN ('1', 'it''s')")).toEqual([
      { kind: 'metric', key: 'val loss', op: '<=', value: -0.0015 },
      { kind: 'tag', key: 'mlflow.runName', op: 'LIKE', value: 'a%' },
      { kind: 'param', key: 'x', op: 'IN', value: ['1', "it's"] },
    ]);
    expect(parseRunFilter("attributes.start_time >= 1700000000000 and run_id NOT IN ('a')")).toEqual([
      { kind: 'attribute', name: 'start_time', op: '>=', value: 1700000000000 },
      { kind: 'attribute', name: 'run_id', op: 'NOT IN', value: ['a'] },
    ]);
    expect(parseRunFilter('   ')).toEqual([]);
  });

  it('names the position of what does not parse', () => {
    expect(failure('metrics.auc >> 0.9')).toEqual({ position: 13, reason: 'expected a number' });
    expect(failure("params.depth > '6'")).toEqual({
      position: 13,
      reason: 'params compare as strings (=, !=, LIKE, ILIKE, IN), not with >',
    });
    expect(failure("metrics.auc > 1 or params.a = 'b'")).toEqual({
      position: 16,
      reason: 'expected AND between conditions (OR is not supported)',
    });
    expect(failure("tags.team = 'open")).toEqual({ position: 12, reason: 'unterminated quoted string' });
    expect(failure('colour = 1').position).toBe(0);
    expect(failure("metrics.auc LIKE '1'")).toEqual({ position: 12, reason: 'metrics compare with =, !=, <, <=, >, >=, not LIKE' });
  });

  it('parses order terms', () => {
    expect(parseOrderTerm('metrics.auc DESC')).toEqual({ kind: 'metric', key: 'auc', descending: true });
    expect(parseOrderTerm('start_time')).toEqual({ kind: 'attribute', key: 'start_time', descending: false });
    expect(() => parseOrderTerm('metrics.auc UP')).toThrow(FilterSyntaxError);
  });
});

describe('run filter SQL', () => {
  it('binds every user value and key as a parameter; only fixed operators and columns are SQL text', () => {
    const sql = filterSql(parseRunFilter("metrics.auc > 0.9 and params.depth = 'x''; DROP TABLE t; --' and status IN ('A', 'B')"));
    expect(sql.sql).not.toContain('DROP');
    expect(sql.sql).not.toContain('depth');
    expect(sql.values).toEqual(['auc', '0.9', 'depth', "x'; DROP TABLE t; --", ['A', 'B']]);
    expect(sql.text).toBe(
      'EXISTS (SELECT 1 FROM registry_tracking_latest_metrics x WHERE x."runId" = r.id AND x.key = $1 AND x.value > $2::float8) AND ' +
        'EXISTS (SELECT 1 FROM registry_tracking_run_params x WHERE x."runId" = r.id AND x.key = $3 AND x.value = $4) AND ' +
        'r.status::text = ANY($5::text[])',
    );
    const order = orderSql([parseOrderTerm('metrics.auc DESC')]);
    expect(order.text).toBe(
      '(SELECT x.value FROM registry_tracking_latest_metrics x WHERE x."runId" = r.id AND x.key = $1) DESC NULLS LAST, r."startTime" DESC, r.id ASC',
    );
  });
});
