import { HOUR_MS } from './bucket-summary.js';
import { planWindow, rangeShape, rollUpTargets } from './window-plan.js';

const DAY = 24;
/** Epoch hours of a 168-hour window ending in `last` (the current hour). */
const week = (last: number) => Array.from({ length: 168 }, (_, i) => last - 167 + i);

describe('window plan', () => {
  it.each([0, 1, 11, 22, 23])('reads a 7-day window ending at hour %i of the day as at most 9 summaries', (hourOfDay) => {
    const last = 20_000 * DAY + hourOfDay;
    const nowMs = last * HOUR_MS + 1_000;
    const plan = planWindow(week(last), nowMs);
    expect(plan.length).toBeLessThanOrEqual(9);
    // Consecutive, covering the window exactly, never across a day or into the current hour.
    expect(plan[0]!.first).toBe(last - 167);
    expect(plan.at(-1)).toEqual({ first: last, last });
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.first).toBe(plan[i - 1]!.last + 1);
    for (const r of plan) expect(Math.floor(r.first / DAY)).toBe(Math.floor(r.last / DAY));
    // Roll-ups are a day's end, a whole day, or the current day's start.
    for (const r of plan.slice(0, -1)) if (r.first < r.last) expect(['day-end', 'day-start']).toContain(rangeShape(r));
  });

  it('keeps hours not yet complete as their lists', () => {
    const last = 20_000 * DAY + 5;
    expect(planWindow([last - 2, last - 1, last], last * HOUR_MS)).toEqual([
      { first: last - 2, last: last - 1 },
      { first: last, last },
    ]);
  });

  it('names the roll-ups the scheduled check keeps current: every end of each past day, and the current day so far', () => {
    const nowMs = (20_000 * DAY + 5) * HOUR_MS + 1_000;
    const targets = rollUpTargets(nowMs, 2);
    expect(targets).toHaveLength(2 * 23 + 1);
    expect(targets[0]).toEqual({ first: 19_998 * DAY + 22, last: 19_998 * DAY + 23 });
    expect(targets[22]).toEqual({ first: 19_998 * DAY, last: 19_998 * DAY + 23 });
    expect(targets.at(-1)).toEqual({ first: 20_000 * DAY, last: 20_000 * DAY + 4 });
  });
});
