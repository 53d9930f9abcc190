import { HOUR_MS } from './bucket-summary.js';

export const HOURS_PER_DAY = 24;

/** Hours `first`…`last` (epoch hours, inclusive): one hourly list when equal, a roll-up otherwise. */
export interface HourRange {
  first: number;
  last: number;
}

const dayStart = (h: number) => Math.floor(h / HOURS_PER_DAY) * HOURS_PER_DAY;
const dayEnd = (h: number) => dayStart(h) + HOURS_PER_DAY - 1;

/**
 * How a window of consecutive hours is read: per UTC day, the run of its complete hours as one
 * roll-up (a whole day, the end of the window's first day, the start of the current day), and each
 * hour not yet complete (the current one) as its list. A 7-day window is so at most 9 summaries,
 * whatever hour it ends in: first day's end, 6 whole days, current day's start, current hour.
 */
export function planWindow(hours: readonly number[], nowMs: number): HourRange[] {
  const firstIncomplete = Math.floor(nowMs / HOUR_MS);
  const ranges: HourRange[] = [];
  for (const h of hours) {
    const open = ranges.at(-1);
    if (open && h === open.last + 1 && h < firstIncomplete && open.last < firstIncomplete && dayEnd(open.first) >= h) open.last = h;
    else ranges.push({ first: h, last: h });
  }
  return ranges;
}

/** Whether a roll-up ends its day (a day's end: it grows leftwards) or starts it (grows rightwards). */
export function rangeShape(r: HourRange): 'day-end' | 'day-start' | 'inner' {
  if (r.last === dayEnd(r.first)) return 'day-end';
  if (r.first === dayStart(r.first)) return 'day-start';
  return 'inner';
}

/** The roll-ups the scheduled job keeps made: every end of each complete day of the last `days`, and the current day's start. */
export function rollUpTargets(nowMs: number, days: number): HourRange[] {
  const firstIncomplete = Math.floor(nowMs / HOUR_MS);
  const today = dayStart(firstIncomplete);
  const out: HourRange[] = [];
  for (let d = today - days * HOURS_PER_DAY; d < today; d += HOURS_PER_DAY)
    for (let t = d + HOURS_PER_DAY - 2; t >= d; t--) out.push({ first: t, last: d + HOURS_PER_DAY - 1 });
  if (firstIncomplete - 1 > today) out.push({ first: today, last: firstIncomplete - 1 });
  return out;
}
