import { randomUUID } from 'node:crypto';

/**
 * Creation and ingestion calls (the routes that honour Idempotency-Key) get a fresh key unless
 * one is given, so their retries after a lost answer take effect once. Give your own key to make
 * a retry across process restarts safe too; `null` sends none (the call is then never retried
 * after it may have reached the service).
 */
export interface IdempotencyOption {
  idempotencyKey?: string | null;
}

export function keyFor(option: IdempotencyOption | undefined): string | undefined {
  if (option?.idempotencyKey === null) return undefined;
  return option?.idempotencyKey ?? randomUUID();
}
