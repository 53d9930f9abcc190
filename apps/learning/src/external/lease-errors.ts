import { Conflict, NotFound } from '@modelyard/platform';
import type { Pipeline } from '../pipelines/pipeline.js';
import type { ExternalJob } from './external-job.js';
import { explainLease, leaseProblem } from './lease.js';

/** 409 for a worker whose lease is gone (expired, or another worker's): it must stop and claim again. */
export function leaseConflict(job: ExternalJob, token: string): Conflict {
  // Postgres refused the lease; the local clock only picks the explanation (expired if it disagrees).
  const problem = leaseProblem(job, token, new Date()) ?? 'lease_expired';
  return new Conflict(`job ${job.id}: ${explainLease(problem, job.status)}`, { lease: problem, jobId: job.id });
}

/** Jobs exist only for external learners: a built-in pipeline trains in-process. */
export function requireExternal(p: Pipeline): void {
  if (p.learner.type !== 'external') {
    throw new Conflict(`pipeline '${p.name}' trains in-process (learner ${p.learner.type}); only external learners have jobs`);
  }
}

export function jobNotFound(id: string): NotFound {
  return new NotFound('Job', id);
}
