export * from './config.js';
export { Modelyard } from './modelyard.js';
export * from './http/errors.js';
export { HttpClient, type AuthorizationProvider, type HttpClientOptions, type Query, type RequestOptions } from './http/http-client.js';
export { DEFAULT_RETRY, backoffDelay, parseRetryAfter, type RetryOptions } from './http/retry.js';
export { paginate, collect } from './http/pagination.js';
export { path } from './http/path.js';
export { keyFor, type IdempotencyOption } from './http/idempotency.js';
export {
  BatchIngestor,
  IngestorFullError,
  type BatchIngestorOptions,
  type BatchSender,
  type IngestorStats,
  type OnFull,
} from './ingest/batch-ingestor.js';
export * from './registry/registry.client.js';
export * from './registry/artifacts.client.js';
export * from './registry/admin.client.js';
export * from './experiments/experiments.client.js';
export * from './experiments/local-assigner.js';
export * from './drift/drift.client.js';
export * from './learning/learning.client.js';
export * from './learning/external-jobs.client.js';
export * from './serving/serving.client.js';
