import { NotFound } from '@modelyard/platform';
import type { Tx } from '../audit/audit.repository.js';

/** Interactive transactions wait this long for a connection and may run this long. */
export const TX_OPTIONS = { maxWait: 15_000, timeout: 15_000 } as const;

/**
 * Locks the model's row for the rest of the transaction and returns its id. Every change to a
 * model's versions and aliases takes this lock first, so concurrent promotions, auto-bumped
 * versions and alias swaps of one model run one after another instead of racing.
 */
export async function lockModel(tx: Tx, name: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM registry_models WHERE name = ${name} FOR UPDATE`;
  const id = rows[0]?.id;
  if (!id) throw new NotFound('model', name);
  return id;
}
