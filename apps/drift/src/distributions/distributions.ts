import type { DistributionResponse } from '@modelyard/types';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import type { Column } from '../window/window.codec.js';

/** Bins of a numeric feature: enough to show a shape, few enough to read in a chart. */
export const NUMERIC_BINS = 20;
/** Categories shown one by one; the rarer ones are summed as `other`. */
export const MAX_CATEGORIES = 20;
export const OTHER = 'other';

type Bin = DistributionResponse['bins'][number];
type Binned = Pick<DistributionResponse, 'referenceRows' | 'currentRows' | 'bins'>;

const share = (count: number, total: number) => (total > 0 ? count / total : 0);

function presentNumbers(values: Float64Array | readonly (string | null)[]): number[] {
  const out: number[] = [];
  for (const v of values) if (typeof v === 'number' && !Number.isNaN(v)) out.push(v);
  return out;
}

/**
 * Equal-width bins over the range both samples cover (one bin when every value is the same), so
 * the two histograms share their edges. The last bin includes its upper edge.
 */
export function numericDistribution(reference: Float64Array, current: Float64Array): Binned {
  const ref = presentNumbers(reference);
  const cur = presentNumbers(current);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ref.concat(cur)) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { referenceRows: 0, currentRows: 0, bins: [] };
  const count = hi > lo ? NUMERIC_BINS : 1;
  const width = (hi - lo) / count;
  const binOf = (v: number) => (width > 0 ? Math.min(count - 1, Math.floor((v - lo) / width)) : 0);
  const refCounts = new Array<number>(count).fill(0);
  const curCounts = new Array<number>(count).fill(0);
  for (const v of ref) refCounts[binOf(v)]! += 1;
  for (const v of cur) curCounts[binOf(v)]! += 1;
  const bins: Bin[] = refCounts.map((r, i) => {
    const from = lo + i * width;
    const to = i === count - 1 ? hi : lo + (i + 1) * width;
    return {
      label: `${from.toPrecision(4)}–${to.toPrecision(4)}`,
      from,
      to,
      reference: share(r, ref.length),
      current: share(curCounts[i]!, cur.length),
    };
  });
  return { referenceRows: ref.length, currentRows: cur.length, bins };
}

/**
 * Categories by their combined share, most frequent first; past MAX_CATEGORIES the rest are one
 * `other` bin (a category literally named `other` is counted there too, so no label repeats).
 */
export function categoricalDistribution(reference: Record<string, number>, current: readonly (string | null)[]): Binned {
  const refCounts = new Map<string, number>(Object.entries(reference));
  const curCounts = new Map<string, number>();
  for (const v of current) if (v !== null) curCounts.set(v, (curCounts.get(v) ?? 0) + 1);
  const refTotal = [...refCounts.values()].reduce((s, c) => s + c, 0);
  const curTotal = current.reduce((s, v) => s + (v === null ? 0 : 1), 0);
  const shares = new Map<string, { reference: number; current: number }>();
  for (const name of new Set([...refCounts.keys(), ...curCounts.keys()])) {
    shares.set(name, { reference: share(refCounts.get(name) ?? 0, refTotal), current: share(curCounts.get(name) ?? 0, curTotal) });
  }
  const ranked = [...shares.entries()].sort(
    (a, b) => b[1].reference + b[1].current - (a[1].reference + a[1].current) || a[0].localeCompare(b[0]),
  );
  const shown = ranked.filter(([name]) => name !== OTHER).slice(0, MAX_CATEGORIES);
  const shownNames = new Set(shown.map(([name]) => name));
  const rest = ranked.filter(([name]) => !shownNames.has(name));
  const bins: Bin[] = shown.map(([label, s]) => ({ label, from: null, to: null, ...s }));
  if (rest.length) {
    const sum = (key: 'reference' | 'current') => rest.reduce((s, [, v]) => s + v[key], 0);
    bins.push({ label: OTHER, from: null, to: null, reference: sum('reference'), current: sum('current') });
  }
  return { referenceRows: refTotal, currentRows: curTotal, bins };
}

/** The overlay of a reference column and the window's column of the same feature. */
export function distributionOf(reference: ReferenceColumn | undefined, current: Column | undefined): Binned {
  if (reference?.kind === 'numeric')
    return numericDistribution(reference.values, current instanceof Float64Array ? current : new Float64Array());
  if (reference?.kind === 'categorical') return categoricalDistribution(reference.counts, Array.isArray(current) ? current : []);
  if (current instanceof Float64Array) return numericDistribution(new Float64Array(), current);
  return categoricalDistribution({}, current ?? []);
}
