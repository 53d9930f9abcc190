import {
  CompleteJobResponse,
  ExternalJobResponse,
  FailJobResponse,
  SampleRow,
  type CompleteJobBody,
  type SamplesPart,
} from '@modelyard/types';
import type { z } from 'zod';
import type { HttpClient } from '../http/http-client.js';
import { path } from '../http/path.js';

/**
 * An external trainer's side of a pipeline with `learner: {type: 'external'}`: claim its update jobs
 * with a lease, read their samples, and hand the registered draft version in. Needs an editor's
 * credential. `ref` is the pipeline's id or name; a lost lease is a ConflictError (409, `lease`).
 */
export class ExternalJobsClient {
  constructor(private readonly http: HttpClient) {}

  /** The next job with its `leaseToken`, or null when there is none. Not retried: a lost answer's lease just expires. */
  async claim(ref: string, body: { worker?: string; leaseSeconds?: number } = {}): Promise<ExternalJobResponse | null> {
    return (await this.http.json('POST', path`/v1/pipelines/${ref}/jobs/claim`, ExternalJobResponse, { body })) ?? null;
  }
  get(ref: string, jobId: string) {
    return this.http.json('GET', path`/v1/pipelines/${ref}/jobs/${jobId}`, ExternalJobResponse);
  }
  /** Extends the lease from now (by `leaseSeconds`, default the claim's); repeating it is harmless. */
  heartbeat(ref: string, jobId: string, leaseToken: string, leaseSeconds?: number) {
    const body = { leaseToken, ...(leaseSeconds === undefined ? {} : { leaseSeconds }) };
    return this.http.json('POST', path`/v1/pipelines/${ref}/jobs/${jobId}/heartbeat`, ExternalJobResponse, { body, retrySafe: true });
  }
  /**
   * The job's samples (`part`: all, train or holdout), row by row as NDJSON streams in. A transfer
   * the service aborts (samples lost mid-way) ends in an error, never in a silently short list.
   */
  async *samples(ref: string, jobId: string, part: SamplesPart = 'all'): AsyncGenerator<SampleRow> {
    const res = await this.http.send('GET', path`/v1/pipelines/${ref}/jobs/${jobId}/samples`, {
      query: { part, format: 'ndjson' },
      stream: true,
    });
    if (!res.body) return;
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of res.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) yield JSON.parse(line) as SampleRow;
    }
    if (pending) yield JSON.parse(pending) as SampleRow;
  }
  /**
   * Hands in the draft version (registered with its artifact) and its metrics on the held-out
   * samples: the service gates, stages and (per the pipeline) starts an experiment. Retried safely:
   * a repeated completion with the same lease answers the same result.
   */
  complete(ref: string, jobId: string, body: z.input<typeof CompleteJobBody>) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/jobs/${jobId}/complete`, CompleteJobResponse, { body, retrySafe: true });
  }
  /** Gives the job up; its samples go to a new job (`retryJobId`). */
  fail(ref: string, jobId: string, leaseToken: string, reason: string) {
    return this.http.json('POST', path`/v1/pipelines/${ref}/jobs/${jobId}/fail`, FailJobResponse, { body: { leaseToken, reason } });
  }
}
