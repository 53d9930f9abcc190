/**
 * One snapshotted statistic: `metric` '' holds the variant's exposed-unit count n; otherwise it is
 * `<metric>|s` (Σ of the units' totals) or `<metric>|q` (Σ of their squares), as in Redis.
 */
export interface StatValue {
  variant: string;
  metric: string;
  value: number;
}

/** The aggregates in Redis's layout (OutcomesStore): n by variant, sums by `variant|metric|s|q`. */
export interface StoredAggregates {
  n: Map<string, number>;
  sums: Map<string, number>;
}

/**
 * The aggregates as Redis answers them (HGETALL) to snapshot rows. Variant keys hold no `|`
 * (VariantKey), so the first `|` of a sums field ends the variant.
 */
export function toSnapshot(raw: { n: Record<string, string>; sums: Record<string, string> }): StatValue[] {
  return [
    ...Object.entries(raw.n).map(([variant, v]) => ({ variant, metric: '', value: Number(v) })),
    ...Object.entries(raw.sums).map(([field, v]) => {
      const [variant = '', ...metric] = field.split('|');
      return { variant, metric: metric.join('|'), value: Number(v) };
    }),
  ];
}

/** Snapshot rows back to the aggregates Redis keeps, to restore them after Redis lost them. */
export function fromSnapshot(rows: StatValue[]): StoredAggregates {
  const n = new Map<string, number>();
  const sums = new Map<string, number>();
  for (const s of rows) {
    if (s.metric === '') n.set(s.variant, s.value);
    else sums.set(`${s.variant}|${s.metric}`, s.value);
  }
  return { n, sums };
}

/**
 * Whether Redis lost the aggregates since `saved` was taken: exposed-unit counts only grow, so a
 * variant counting fewer units live than in the snapshot (none at all, after a loss with no
 * traffic since) was rebuilt from zero. Used where the kept-marker is missing, which is also the
 * case for experiments snapshotted before the marker existed: those count at least the saved units.
 */
export function lostSince(saved: StatValue[], live: { n: Record<string, string> }): boolean {
  return saved.some((s) => s.metric === '' && s.value > Number(Object.hasOwn(live.n, s.variant) ? live.n[s.variant] : 0));
}
