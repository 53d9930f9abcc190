import type { ExternalJob } from './external-job.js';

/** Why a worker's call on a job is refused: the lease is not (or no longer) theirs. Null: it is. */
export type LeaseProblem = 'not_leased' | 'foreign_lease' | 'lease_expired';

/**
 * A lease is held by whoever has its token, until it expires. An expired lease is lost even when no
 * other worker claimed the job yet: the claim may happen at any moment, and a worker whose
 * heartbeats stopped cannot know whether it did.
 */
export function leaseProblem(
  job: Pick<ExternalJob, 'status' | 'leaseToken' | 'leaseExpiresAt'>,
  token: string,
  now: Date,
): LeaseProblem | null {
  if (job.status !== 'leased') return 'not_leased';
  if (job.leaseToken !== token) return 'foreign_lease';
  if (!job.leaseExpiresAt || job.leaseExpiresAt.getTime() <= now.getTime()) return 'lease_expired';
  return null;
}

const EXPLAINED: ReadonlyMap<LeaseProblem, string> = new Map([
  ['not_leased', 'the job is not leased'],
  ['foreign_lease', 'the job is leased with another token (another worker holds it)'],
  ['lease_expired', 'the lease expired; the job may be claimed by another worker'],
]);

export function explainLease(problem: LeaseProblem, status: string): string {
  return `${EXPLAINED.get(problem) ?? problem} (status ${status})`;
}
