/**
 * The run search grammar (MLflow's): clauses joined by AND, each `<entity>.<key> <op> <value>`.
 *   metrics.auc > 0.9 and params.depth = '6' and tags.team = 'growth' and status = 'FINISHED'
 * Entities: metrics (the latest value; numeric comparisons), params and tags (strings: = != LIKE
 * ILIKE IN, NOT IN), attributes (status, run_name, user_id, run_id, start_time, end_time), written
 * `attributes.status` or bare `status`. Keys with spaces or odd characters are quoted with
 * backticks or double quotes. Parsing yields a typed tree; run-filter-sql.ts turns it into a
 * parameterised query, so no user text ever becomes SQL.
 */

export type NumericOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type StringOp = '=' | '!=' | 'LIKE' | 'ILIKE';
export type ListOp = 'IN' | 'NOT IN';

export const STRING_ATTRIBUTES = ['status', 'run_name', 'user_id', 'run_id'] as const;
export const NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
export type StringAttribute = (typeof STRING_ATTRIBUTES)[number];
export type NumericAttribute = (typeof NUMERIC_ATTRIBUTES)[number];

export type Clause =
  | { kind: 'metric'; key: string; op: NumericOp; value: number }
  | { kind: 'param' | 'tag'; key: string; op: StringOp; value: string }
  | { kind: 'param' | 'tag'; key: string; op: ListOp; value: string[] }
  | { kind: 'attribute'; name: NumericAttribute; op: NumericOp; value: number }
  | { kind: 'attribute'; name: StringAttribute; op: StringOp; value: string }
  | { kind: 'attribute'; name: StringAttribute; op: ListOp; value: string[] };

/** A filter that does not parse; `position` is the 0-based offset of the offending character. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`at position ${position}: ${reason}`);
    this.name = 'FilterSyntaxError';
  }
}

const ENTITIES = new Map<string, 'metric' | 'param' | 'tag' | 'attribute'>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
]);
/** Attribute spellings clients use, to our names. */
const ATTRIBUTE_ALIASES = new Map<string, StringAttribute | NumericAttribute>([
  ['status', 'status'],
  ['run_name', 'run_name'],
  ['runname', 'run_name'],
  ['user_id', 'user_id'],
  ['run_id', 'run_id'],
  ['start_time', 'start_time'],
  ['end_time', 'end_time'],
]);

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace() {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  atEnd() {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  fail(reason: string, at = this.pos): never {
    throw new FilterSyntaxError(at, reason);
  }
  /** A word made of letters, digits, `_`, `.`, `-`, `:`, `/`; empty when none. */
  word(): string {
    const start = this.pos;
    while (this.pos < this.text.length && /[\w.:/-]/.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }
  /** A quoted string ('…', "…" or `…`); a doubled quote stands for itself. */
  quoted(): string | null {
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"' && quote !== '`') return null;
    const start = this.pos;
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === quote) {
        if (this.text[this.pos + 1] === quote) {
          out += quote;
          this.pos += 2;
          continue;
        }
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    return this.fail('unterminated quoted string', start);
  }
  keyword(word: string): boolean {
    this.skipSpace();
    const slice = this.text.slice(this.pos, this.pos + word.length);
    const after = this.text[this.pos + word.length];
    if (slice.toUpperCase() === word && (after === undefined || !/[\w]/.test(after))) {
      this.pos += word.length;
      return true;
    }
    return false;
  }
}

function parseIdentifier(s: Scanner): { entity: 'metric' | 'param' | 'tag' | 'attribute'; key: string; at: number } {
  s.skipSpace();
  const at = s.pos;
  const quoted = s.quoted();
  if (quoted !== null) return { entity: 'attribute', key: quoted, at };
  const head = s.word();
  if (!head) s.fail('expected an identifier such as metrics.auc, params.depth, tags.team or status');
  const dot = head.indexOf('.');
  const entity = dot > 0 ? ENTITIES.get(head.slice(0, dot).toLowerCase()) : undefined;
  if (!entity) {
    if (dot > 0) s.fail(`unknown entity '${head.slice(0, dot)}' (metrics, params, tags or attributes)`, at);
    return { entity: 'attribute', key: head, at };
  }
  let key = head.slice(dot + 1);
  if (!key) {
    const quotedKey = s.quoted();
    if (quotedKey === null || !quotedKey) s.fail('expected a key after the entity', s.pos);
    key = quotedKey;
  }
  return { entity, key, at };
}

function parseOperator(s: Scanner): { op: NumericOp | StringOp | ListOp; at: number } {
  s.skipSpace();
  const at = s.pos;
  for (const symbol of ['!=', '<>', '<=', '>=', '=', '<', '>'] as const) {
    if (s.text.startsWith(symbol, s.pos)) {
      s.pos += symbol.length;
      return { op: symbol === '<>' ? '!=' : symbol, at };
    }
  }
  if (s.keyword('NOT')) {
    if (s.keyword('IN')) return { op: 'NOT IN', at };
    s.fail('expected IN after NOT');
  }
  for (const word of ['ILIKE', 'LIKE', 'IN'] as const) if (s.keyword(word)) return { op: word, at };
  return s.fail('expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)');
}

function parseNumber(s: Scanner): number {
  s.skipSpace();
  const at = s.pos;
  const match = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(s.text.slice(s.pos));
  if (!match) s.fail('expected a number', at);
  s.pos += match[0].length;
  return Number(match[0]);
}

function parseString(s: Scanner): string {
  s.skipSpace();
  const at = s.pos;
  if (s.text[at] === '`') s.fail('expected a string in single or double quotes', at);
  const value = s.quoted();
  if (value === null) s.fail('expected a string in single or double quotes', at);
  return value;
}

function parseList(s: Scanner): string[] {
  s.skipSpace();
  if (s.text[s.pos] !== '(') s.fail("expected '(' to open a list");
  s.pos++;
  const values = [parseString(s)];
  for (;;) {
    s.skipSpace();
    if (s.text[s.pos] === ')') {
      s.pos++;
      return values;
    }
    if (s.text[s.pos] !== ',') s.fail("expected ',' or ')' in the list");
    s.pos++;
    values.push(parseString(s));
  }
}

const NUMERIC_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const STRING_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE']);

function parseClause(s: Scanner): Clause {
  const id = parseIdentifier(s);
  const { op, at } = parseOperator(s);
  const list = op === 'IN' || op === 'NOT IN';
  if (id.entity === 'metric') {
    if (!NUMERIC_OPS.has(op)) s.fail(`metrics compare with =, !=, <, <=, >, >=, not ${op}`, at);
    return { kind: 'metric', key: id.key, op: op as NumericOp, value: parseNumber(s) };
  }
  if (id.entity === 'param' || id.entity === 'tag') {
    if (list) return { kind: id.entity, key: id.key, op: op as ListOp, value: parseList(s) };
    if (!STRING_OPS.has(op)) s.fail(`${id.entity}s compare as strings (=, !=, LIKE, ILIKE, IN), not with ${op}`, at);
    return { kind: id.entity, key: id.key, op: op as StringOp, value: parseString(s) };
  }
  const name = ATTRIBUTE_ALIASES.get(id.key.toLowerCase());
  if (!name) s.fail(`unknown attribute '${id.key}' (${[...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].join(', ')})`, id.at);
  if (name === 'start_time' || name === 'end_time') {
    if (!NUMERIC_OPS.has(op)) s.fail(`${name} compares with =, !=, <, <=, >, >=, not ${op}`, at);
    return { kind: 'attribute', name, op: op as NumericOp, value: parseNumber(s) };
  }
  if (list) return { kind: 'attribute', name, op: op as ListOp, value: parseList(s) };
  if (!STRING_OPS.has(op)) s.fail(`${name} compares as a string (=, !=, LIKE, ILIKE, IN), not with ${op}`, at);
  return { kind: 'attribute', name, op: op as StringOp, value: parseString(s) };
}

/** Parses a filter; an empty or blank filter is no condition. Throws FilterSyntaxError. */
export function parseRunFilter(text: string | undefined): Clause[] {
  const s: Scanner = new Scanner(text ?? '');
  if (s.atEnd()) return [];
  const clauses = [parseClause(s)];
  while (!s.atEnd()) {
    if (!s.keyword('AND')) s.fail('expected AND between conditions (OR is not supported)');
    clauses.push(parseClause(s));
  }
  return clauses;
}

export interface OrderTerm {
  kind: 'metric' | 'param' | 'tag' | 'attribute';
  key: string;
  descending: boolean;
}

/** `metrics.auc DESC`, `start_time`, `params.depth ASC`…; throws FilterSyntaxError (position within the term). */
export function parseOrderTerm(text: string): OrderTerm {
  const s: Scanner = new Scanner(text);
  const id = parseIdentifier(s);
  let descending = false;
  if (s.keyword('DESC')) descending = true;
  else s.keyword('ASC');
  if (!s.atEnd()) s.fail('expected ASC or DESC at the end');
  if (id.entity !== 'attribute') return { kind: id.entity, key: id.key, descending };
  const name = ATTRIBUTE_ALIASES.get(id.key.toLowerCase());
  if (!name) s.fail(`unknown attribute '${id.key}'`, id.at);
  return { kind: 'attribute', key: name, descending };
}
