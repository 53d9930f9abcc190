/** One column of a list's order, as Prisma writes it: `{ createdAt: 'desc' }`. */
export type OrderColumn = Readonly<Record<string, 'asc' | 'desc'>>;

/**
 * The rows after the cursor row in `order` (whose last column must be unique):
 * `a > ca OR (a = ca AND b > cb) OR …`, with `<` for descending columns. Prisma's own `cursor`
 * option sends no LIMIT with it and cuts `take` in memory (prisma/prisma#27094), so each page read
 * every row after the cursor; this condition lets Postgres stop after `take` rows on the index.
 * A cursor row that no longer exists gives no rows (`OR: []` matches nothing), as Prisma's did.
 */
export function keysetAfter<Where>(order: readonly OrderColumn[], cursorRow: Readonly<Record<string, unknown>> | null): Where {
  if (!cursorRow) return { OR: [] } as Where;
  const columns = order.map((o) => {
    const [column, direction] = Object.entries(o)[0]!;
    return { column, op: direction === 'asc' ? 'gt' : 'lt', value: cursorRow[column] };
  });
  const OR = columns.map(({ column, op, value }, i) => {
    const equalBefore = columns.slice(0, i).map((c) => [c.column, c.value] as const);
    return Object.fromEntries([...equalBefore, [column, { [op]: value }]]);
  });
  return (OR.length === 1 ? OR[0] : { OR }) as Where;
}

/** The `select` that reads a cursor row's sort columns. */
export function keysetSelect(order: readonly OrderColumn[]): Record<string, true> {
  return Object.fromEntries(order.map((o) => [Object.keys(o)[0]!, true as const]));
}
