import type { StatValue } from './stats-snapshot.js';

/** A history row once the exposed units grew by this many percent since the last row… */
export const HISTORY_GROWTH_PERCENT = 10;
/** …or, with any growth at all, once this long has passed since it. */
export const HISTORY_MAX_GAP_MS = 3_600_000;

/** Exposed units over all variants of a snapshot (the rows with metric '' hold each variant's n). */
export const unitsOf = (stats: StatValue[]) => stats.reduce((sum, s) => sum + (s.metric === '' ? s.value : 0), 0);

/**
 * Whether a snapshot goes into the history. Rows are spaced by growth in units: an interval's
 * width shrinks like 1/√n, so rows at every 10 % more units draw the lift and its confidence
 * sequence evenly, and a month at 1M units keeps about 150 rows (plus at most one an hour while
 * traffic trickles) instead of one per 10-second tick.
 */
export function wantsHistoryRow(units: number, last: { units: number; at: Date } | null, now: Date): boolean {
  if (units <= 0) return false;
  if (!last) return true;
  if (units <= last.units) return false;
  // In whole numbers: 100 × 1.1 is 110.00000000000001 in floating point.
  const grewEnough = (units - last.units) * 100 >= last.units * HISTORY_GROWTH_PERCENT;
  return grewEnough || now.getTime() - last.at.getTime() >= HISTORY_MAX_GAP_MS;
}
