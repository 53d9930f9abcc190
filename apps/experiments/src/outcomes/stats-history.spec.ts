import { HISTORY_MAX_GAP_MS, unitsOf, wantsHistoryRow } from './stats-history.js';

describe('the statistics history spacing rule', () => {
  const at = new Date('2026-12-01T00:00:00Z');
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('counts the exposed units of every variant, not the sums', () => {
    const stats = [
      { variant: 'control', metric: '', value: 40 },
      { variant: 'treatment', metric: '', value: 60 },
      { variant: 'control', metric: 'conversion|s', value: 7 },
    ];
    expect(unitsOf(stats)).toBe(100);
  });

  it('keeps the first snapshot with units, then one per 10 % more units', () => {
    expect(wantsHistoryRow(0, null, at)).toBe(false);
    expect(wantsHistoryRow(100, null, at)).toBe(true);
    expect(wantsHistoryRow(109, { units: 100, at }, later(1000))).toBe(false);
    expect(wantsHistoryRow(110, { units: 100, at }, later(1000))).toBe(true);
  });

  it('keeps a snapshot with any growth after an hour, and none without growth', () => {
    expect(wantsHistoryRow(101, { units: 100, at }, later(HISTORY_MAX_GAP_MS - 1))).toBe(false);
    expect(wantsHistoryRow(101, { units: 100, at }, later(HISTORY_MAX_GAP_MS))).toBe(true);
    expect(wantsHistoryRow(100, { units: 100, at }, later(10 * HISTORY_MAX_GAP_MS))).toBe(false);
  });
});
