import { Prisma } from '@modelyard/db';
import type { Clause, OrderTerm } from './run-filter.js';

/**
 * Turns parsed run filters and orderings into SQL over `registry_tracking_runs r`. User values and
 * keys only ever travel as bind parameters; the operators and column names come from the fixed
 * maps below, chosen by the parsed (already validated) tree.
 */

const OPERATORS = new Map<string, Prisma.Sql>([
  ['=', Prisma.sql`=`],
  ['!=', Prisma.sql`<>`],
  ['<', Prisma.sql`<`],
  ['<=', Prisma.sql`<=`],
  ['>', Prisma.sql`>`],
  ['>=', Prisma.sql`>=`],
  ['LIKE', Prisma.sql`LIKE`],
  ['ILIKE', Prisma.sql`ILIKE`],
]);

const ATTRIBUTE_COLUMNS = new Map<string, Prisma.Sql>([
  ['status', Prisma.sql`r.status::text`],
  ['run_name', Prisma.sql`r.name`],
  ['user_id', Prisma.sql`r."userId"`],
  ['run_id', Prisma.sql`replace(r.id::text, '-', '')`],
  ['start_time', Prisma.sql`r."startTime"`],
  ['end_time', Prisma.sql`r."endTime"`],
]);

const TABLES = new Map<string, Prisma.Sql>([
  ['metric', Prisma.sql`registry_tracking_latest_metrics`],
  ['param', Prisma.sql`registry_tracking_run_params`],
  ['tag', Prisma.sql`registry_tracking_run_tags`],
]);

function comparison(column: Prisma.Sql, op: string, value: string | number | string[]): Prisma.Sql {
  if (op === 'IN') return Prisma.sql`${column} = ANY(${value}::text[])`;
  if (op === 'NOT IN') return Prisma.sql`${column} <> ALL(${value}::text[])`;
  const operator = OPERATORS.get(op)!;
  // Numbers are bound as text and cast, so a double keeps its exact value and bigints compare as bigints.
  if (typeof value === 'number') return Prisma.sql`${column} ${operator} ${String(value)}::float8`;
  return Prisma.sql`${column} ${operator} ${value}`;
}

function clauseSql(clause: Clause): Prisma.Sql {
  if (clause.kind === 'attribute') {
    const column = ATTRIBUTE_COLUMNS.get(clause.name)!;
    const value = clause.name === 'run_id' && typeof clause.value === 'string' ? clause.value.replaceAll('-', '') : clause.value;
    return comparison(column, clause.op, value);
  }
  const table = TABLES.get(clause.kind)!;
  return Prisma.sql`EXISTS (SELECT 1 FROM ${table} x WHERE x."runId" = r.id AND x.key = ${clause.key} AND ${comparison(
    Prisma.sql`x.value`,
    clause.op,
    clause.value,
  )})`;
}

/** `TRUE` for no clauses, else the clauses joined by AND. */
export function filterSql(clauses: Clause[]): Prisma.Sql {
  if (!clauses.length) return Prisma.sql`TRUE`;
  return Prisma.join(clauses.map(clauseSql), ' AND ');
}

/** ORDER BY terms, then start time (newest first) and the run id, so pages are stable. */
export function orderSql(terms: OrderTerm[]): Prisma.Sql {
  const parts = terms.map((term) => {
    const direction = term.descending ? Prisma.sql`DESC NULLS LAST` : Prisma.sql`ASC NULLS LAST`;
    if (term.kind === 'attribute') return Prisma.sql`${ATTRIBUTE_COLUMNS.get(term.key)!} ${direction}`;
    const table = TABLES.get(term.kind)!;
    return Prisma.sql`(SELECT x.value FROM ${table} x WHERE x."runId" = r.id AND x.key = ${term.key}) ${direction}`;
  });
  return Prisma.join([...parts, Prisma.sql`r."startTime" DESC`, Prisma.sql`r.id ASC`], ', ');
}
