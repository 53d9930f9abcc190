import { compactCdf, quantileOfCdf, type CompactKll } from '@modelyard/stats';
import type { ReferenceColumn } from '../checks/drift-tests.js';
import type { SealedSummary } from '../window/bucket-summary.js';
import { emptyCounts } from './reference.mapper.js';

/** Values stored per numeric column of a reference built from a time range. */
export const RANGE_REFERENCE_ROWS = 10_000;

/**
 * A sketch as a sorted sample of m = min(n, 10,000) values, its quantiles at (i + ½)/m: the
 * sample's empirical CDF is within 1/(2m) of the sketch's (and so within ε + 1/(2m) of the
 * range's). Stored sorted, it feeds every check path (exact tests, PSI bins, data-quality ranges)
 * unchanged, in a size a check loads in one read. A sketch that never compacted gives its values exactly.
 */
export function quantileSample(sketch: CompactKll, rows = RANGE_REFERENCE_ROWS): Float64Array {
  const m = Math.min(sketch.n, rows);
  const cdf = compactCdf(sketch);
  return Float64Array.from({ length: m }, (_, i) => quantileOfCdf(cdf, (i + 0.5) / m));
}

/** Reference columns from the merged summary of a time range: quantile samples and category counts. */
export function referenceFromSummary(summary: SealedSummary): Map<string, ReferenceColumn> {
  const refs = new Map<string, ReferenceColumn>();
  for (const f of summary.features) {
    const present = summary.present(f.name);
    // Missing here also holds type violations (summaries keep present values only).
    const missing = summary.records - present;
    const sketch = summary.numeric.get(f.name);
    if (sketch) {
      if (present || missing) refs.set(f.name, { kind: 'numeric', values: present ? quantileSample(sketch) : new Float64Array(), missing });
      continue;
    }
    const counts = emptyCounts();
    for (const [category, c] of summary.counts.get(f.name) ?? []) counts[category] = c;
    if (present || missing) refs.set(f.name, { kind: 'categorical', counts, missing });
  }
  return refs;
}
