import type { CompareResponse, Stage } from '@modelyard/types';

interface Comparable {
  version: string;
  stage: Stage;
  metrics: Record<string, number>;
}

// Metric names are the clients' ("constructor" is one): read own values only.
const own = (metrics: Record<string, number>, name: string) => (Object.hasOwn(metrics, name) ? metrics[name] : undefined);

/** Metrics side by side; each difference is against the first version given (the baseline). */
export function compareMetrics(versions: Comparable[]): CompareResponse {
  const names = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].sort();
  const baseline = versions[0];
  return {
    versions: versions.map((v) => ({ version: v.version, stage: v.stage })),
    metrics: names.map((name) => {
      const base = baseline ? own(baseline.metrics, name) : undefined;
      const values: Record<string, number | null> = {};
      const diff: Record<string, number | null> = {};
      for (const v of versions) {
        const value = own(v.metrics, name);
        values[v.version] = value ?? null;
        diff[v.version] = value !== undefined && base !== undefined ? value - base : null;
      }
      return { name, values, diff };
    }),
  };
}
