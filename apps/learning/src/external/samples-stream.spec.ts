import { Readable } from 'node:stream';
import type { SampleRow } from '@modelyard/types';
import { chooseFormat, csvHeader, encodedPages, encodeRows, PAGE_ROWS } from './samples-stream.js';

const columns = ['plan', 'tenure', 'mobile', 'y'];

async function collect(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('samples encoding', () => {
  it('chooses the format: ?format= first, then Accept, NDJSON by default', () => {
    expect(chooseFormat('ndjson', 'text/csv')).toBe('ndjson');
    expect(chooseFormat(undefined, 'application/json, text/csv;q=0.9')).toBe('csv');
    expect(chooseFormat(undefined, 'text/csvx')).toBe('ndjson');
    expect(chooseFormat(undefined, undefined)).toBe('ndjson');
  });

  it('writes CSV fields as RFC 4180 does: quotes, separators, line breaks, missing values', () => {
    const rows: SampleRow[] = [
      { plan: 'pro, annual', tenure: 12, mobile: true, y: 1 },
      { plan: 'say "hi"', tenure: null, y: 0 },
      { plan: 'two\nlines', tenure: -0.5, mobile: false, y: 1 },
      { plan: ' padded', tenure: 1e-7, mobile: null, y: 0 },
    ];
    expect(csvHeader(columns)).toBe('plan,tenure,mobile,y\n');
    expect(encodeRows(rows, 'csv', columns)).toBe(
      ['"pro, annual",12,true,1', '"say ""hi""",,,0', '"two\nlines",-0.5,false,1', '" padded",1e-7,,0', ''].join('\n'),
    );
    expect(encodeRows(rows.slice(0, 1), 'ndjson', columns)).toBe('{"plan":"pro, annual","tenure":12,"mobile":true,"y":1}\n');
  });

  it('streams page after page, and fails the stream (not a short file) when a later page is missing', async () => {
    const row = (i: number) => ({ plan: 'a', tenure: i, mobile: true, y: i % 2 });
    const total = PAGE_ROWS + 10;
    const all = Array.from({ length: total }, (_, i) => row(i));
    const read = (from: number, count: number) => Promise.resolve(all.slice(from, from + count));
    const ok = await collect(Readable.from(encodedPages(all.slice(0, PAGE_ROWS), { from: 0, to: total }, read, 'ndjson', columns)));
    expect(
      ok
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(all);

    const lost = () => Promise.resolve(all.slice(PAGE_ROWS, PAGE_ROWS + 3));
    const broken = Readable.from(encodedPages(all.slice(0, PAGE_ROWS), { from: 0, to: total }, lost, 'csv', columns));
    await expect(collect(broken)).rejects.toThrow(`samples ${PAGE_ROWS + 3}..${total} are missing from the buffer`);
  });
});
