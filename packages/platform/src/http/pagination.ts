import { isSafeString, type Page } from '@modelyard/types';
import { ValidationFailed } from '../errors/domain-errors.js';

/** Cursors are opaque to clients: the sort key of the last item, base64url-encoded. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/**
 * The text inside a cursor, or null unless the cursor is exactly what encodeCursor makes: strict
 * base64url (Buffer.from skips characters it does not know) of valid UTF-8 (invalid bytes would
 * decode to U+FFFD), holding no control character (a NUL reached Postgres and answered 500).
 */
function cursorText(cursor: string): string | null {
  if (!/^[\w-]*$/.test(cursor)) return null;
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (Buffer.from(raw, 'utf8').toString('base64url') !== cursor) return null;
  return isSafeString(raw) ? raw : null;
}

/** Decodes a cursor and checks it with `parse`; a foreign or tampered cursor is a 400, never a 500. */
export function decodeCursor<T>(cursor: string | undefined, parse: (raw: string) => T | null): T | undefined {
  if (cursor === undefined) return undefined;
  const raw = cursorText(cursor);
  const value = raw === null ? null : parse(raw);
  if (value === null) {
    throw new ValidationFailed([{ field: 'cursor', in: 'query', message: 'not a cursor this endpoint returned' }]);
  }
  return value;
}

/** Rows fetched with `take: limit + 1`: the extra row tells whether another page exists. */
export function toPage<Row, Item>(rows: Row[], limit: number, map: (row: Row) => Item, key: (row: Row) => string): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const parseUuidCursor = (raw: string) => (UUID_PATTERN.test(raw) ? raw : null);
/** Largest Postgres bigint: an id cursor past it can only be forged, and Postgres refuses it. */
const MAX_BIGINT = 2n ** 63n - 1n;
export const parseIntCursor = (raw: string) => (/^\d{1,19}$/.test(raw) && BigInt(raw) <= MAX_BIGINT ? BigInt(raw) : null);
