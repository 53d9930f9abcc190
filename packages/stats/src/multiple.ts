// Many treatments against one control: each extra comparison is another chance of a false winner.

/**
 * Holm–Bonferroni step-down adjusted p-values (Holm, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist. 1979), in the input's order: sort ascending, multiply the i-th
 * smallest (0-based) by m − i, take the running maximum and cap at 1. Rejecting where the
 * adjusted p-value is below α controls the family-wise error rate at α under any dependence.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
