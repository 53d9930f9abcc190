import { fromSnapshot, lostSince, toSnapshot } from './stats-snapshot.js';

describe('statistics snapshots', () => {
  const raw = {
    n: { control: '10', treatment: '12' },
    sums: { 'control|conversion|s': '3', 'control|conversion|q': '3', 'treatment|latency_ms|s': '1234.5' },
  };
  const rows = [
    { variant: 'control', metric: '', value: 10 },
    { variant: 'treatment', metric: '', value: 12 },
    { variant: 'control', metric: 'conversion|s', value: 3 },
    { variant: 'control', metric: 'conversion|q', value: 3 },
    { variant: 'treatment', metric: 'latency_ms|s', value: 1234.5 },
  ];

  it('keeps n under the empty metric and each sum under `<metric>|s` or `|q` (the stored layout)', () => {
    expect(toSnapshot(raw)).toEqual(rows);
    expect(toSnapshot({ n: {}, sums: {} })).toEqual([]);
  });

  it('restores what it snapshotted, field for field', () => {
    const { n, sums } = fromSnapshot(rows);
    expect([...n]).toEqual([
      ['control', 10],
      ['treatment', 12],
    ]);
    expect(Object.fromEntries([...sums].map(([k, v]) => [k, String(v)]))).toEqual(raw.sums);
  });

  it('keeps variants named like Object.prototype members apart from it', () => {
    const { n, sums } = fromSnapshot([
      { variant: 'constructor', metric: '', value: 4 },
      { variant: 'toString', metric: 'm|s', value: 1 },
    ]);
    expect(n.get('constructor')).toBe(4);
    expect(sums.get('toString|m|s')).toBe(1);
    expect(n.has('toString')).toBe(false);
  });

  it('tells a loss by an exposed-unit count below the snapshot, in any variant', () => {
    expect(lostSince(rows, { n: { control: '10', treatment: '12' } })).toBe(false);
    expect(lostSince(rows, { n: { control: '40', treatment: '50' } })).toBe(false);
    expect(lostSince(rows, { n: { control: '40', treatment: '3' } })).toBe(true);
    expect(lostSince(rows, { n: {} })).toBe(true);
    expect(lostSince([], { n: {} })).toBe(false);
    // Object.prototype's names are no counts.
    expect(lostSince([{ variant: 'constructor', metric: '', value: 1 }], { n: {} })).toBe(true);
  });
});
