import { isUnitId } from '@modelyard/types';

/**
 * The Redis list of first assignments not yet persisted holds `variant\tunit` items: variant keys
 * and unit ids hold no tab (VariantKey, UNIT_ID_PATTERN), so the first tab splits them.
 */
export function queuedAssignment(variant: string, unit: string): string {
  return `${variant}\t${unit}`;
}

export type QueuedAssignment =
  | { valid: true; variant: string; unit: string }
  /** Queued before unit ids were validated (e.g. holding NUL), or not an item at all. */
  | { valid: false; unit: string };

/** Reads an item back; an invalid unit id would make Postgres refuse the whole chunk it is in. */
export function parseQueuedAssignment(item: string): QueuedAssignment {
  const tab = item.indexOf('\t');
  if (tab < 0) return { valid: false, unit: item };
  const unit = item.slice(tab + 1);
  return isUnitId(unit) ? { valid: true, variant: item.slice(0, tab), unit } : { valid: false, unit };
}
