import type { z } from 'zod';

/**
 * Reads a JSON column through its schema: the one place a stored document becomes a typed value.
 * Every document was written from a validated body or by this service, so a failure means the row
 * was changed by hand or damaged; it is reported with its table and column (`table.column`) and the row's id.
 */
export function parseColumn<S extends z.ZodType>(schema: S, value: unknown, column: string, row: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
    throw new Error(`${column}${path} of ${row} is not valid: ${issue?.message ?? 'unreadable'}`);
  }
  return parsed.data;
}
