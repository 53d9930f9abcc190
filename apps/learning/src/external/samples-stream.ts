import type { SampleRow, SamplesFormat } from '@modelyard/types';

/** Rows read from the buffer per Redis call while streaming. */
export const PAGE_ROWS = 1000;

export const CONTENT_TYPES: ReadonlyMap<SamplesFormat, string> = new Map([
  ['ndjson', 'application/x-ndjson; charset=utf-8'],
  ['csv', 'text/csv; charset=utf-8'],
]);

/** `?format=` wins; otherwise an Accept header naming text/csv asks for CSV; NDJSON by default. */
export function chooseFormat(format: SamplesFormat | undefined, accept: string | undefined): SamplesFormat {
  if (format) return format;
  return /(^|,)\s*text\/csv\b/i.test(accept ?? '') ? 'csv' : 'ndjson';
}

/** RFC 4180 field: quoted when it holds a separator, quote, line break or edge spaces. */
function csvField(value: SampleRow[string] | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per line: NDJSON as the row was accepted; CSV with `columns` in order (missing values empty). */
export function encodeRows(rows: readonly SampleRow[], format: SamplesFormat, columns: readonly string[]): string {
  if (format === 'ndjson') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  return rows.map((r) => `${columns.map((c) => csvField(Object.hasOwn(r, c) ? r[c] : undefined)).join(',')}\n`).join('');
}

export function csvHeader(columns: readonly string[]): string {
  return `${columns.map((c) => csvField(c)).join(',')}\n`;
}

/** A range of absolute sample numbers to stream: `from` included, `to` excluded. */
export interface StreamRange {
  from: number;
  to: number;
}

/**
 * The encoded range, page by page. The first page is read by the caller before the answer starts
 * (so a range already gone is a problem+json, not a broken stream); a later page that fails throws
 * here, which destroys the response stream: the client sees a truncated transfer, never a short
 * file that looks complete.
 */
export async function* encodedPages(
  first: readonly SampleRow[],
  range: StreamRange,
  read: (from: number, count: number) => Promise<SampleRow[]>,
  format: SamplesFormat,
  columns: readonly string[],
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader(columns);
  let rows = first;
  let next = range.from;
  for (;;) {
    if (rows.length) yield encodeRows(rows, format, columns);
    next += rows.length;
    if (next >= range.to) return;
    const count = Math.min(PAGE_ROWS, range.to - next);
    rows = await read(next, count);
    if (rows.length < count) throw new Error(`samples ${next + rows.length}..${range.to} are missing from the buffer`);
  }
}
