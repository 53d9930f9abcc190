import type { ColumnKind } from '@modelyard/types';
import { LABEL, TS, type Columns } from '../window/window.codec.js';
import type { FoundLabels } from './label-index.js';

/**
 * Puts labels joined after ingestion into a window's label column (a late label replaces one sent
 * with the record: it is the newer word) and answers their delays, label arrival − record `ts`, in ms.
 */
export function applyLateLabels(window: Columns, kind: ColumnKind, found: FoundLabels): number[] {
  const column = window.values.get(LABEL);
  const ts = window.values.get(TS) as Float64Array | undefined;
  const delays: number[] = [];
  if (!column) return delays;
  for (let i = 0; i < window.n; i++) {
    const label = found.labels[i];
    if (label === null || label === undefined) continue;
    if (kind === 'numeric' && column instanceof Float64Array) column[i] = Number(label);
    else if (Array.isArray(column)) column[i] = label;
    const at = found.at[i];
    if (at !== null && at !== undefined && ts && !Number.isNaN(ts[i])) delays.push(Math.max(0, at - ts[i]!));
  }
  return delays;
}
