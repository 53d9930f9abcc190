import { decodeCursor, encodeCursor, ValidationFailed } from '@modelyard/platform';
import type { Ordering } from './mlflow-registry.repository.js';

// MLflow's SQL store pages searches by offset; so do we: the token is the offset of the next page.
const parseOffset = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : null);

export const pageOffset = (token: string | undefined) => decodeCursor(token, parseOffset) ?? 0;

/** Rows fetched with `take: max + 1`: the extra row tells whether another page exists. */
export function nextToken(fetched: number, max: number, offset: number): { next_page_token?: string } {
  return fetched > max ? { next_page_token: encodeCursor(String(offset + max)) } : {};
}

/** `order_by` entries such as `name ASC` or `last_updated_timestamp DESC`, over the columns given. */
export function parseOrderBy(entries: string[] | undefined, columns: Map<string, Ordering['field']>): Ordering[] {
  return (entries ?? []).map((entry) => {
    const match = /^\s*([\w.]+)(?:\s+(ASC|DESC))?\s*$/i.exec(entry);
    const field = match ? columns.get(match[1]!.toLowerCase().replace(/^attributes?\./, '')) : undefined;
    if (!match || !field) {
      const allowed = [...columns.keys()].join(', ');
      throw new ValidationFailed([{ field: 'order_by', in: 'body', message: `'${entry}': order by one of ${allowed}, then ASC or DESC` }]);
    }
    return { field, direction: match[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc' };
  });
}

export const MODEL_ORDER_COLUMNS = new Map<string, Ordering['field']>([
  ['name', 'name'],
  ['timestamp', 'createdAt'],
  ['creation_timestamp', 'createdAt'],
  ['last_updated_timestamp', 'updatedAt'],
]);

export const VERSION_ORDER_COLUMNS = new Map<string, Ordering['field']>([...MODEL_ORDER_COLUMNS, ['version_number', 'number']]);
