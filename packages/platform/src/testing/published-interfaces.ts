import { metricConventionViolations, metricFamilies, type ConventionViolation, type MetricFamily } from '../metrics/metric-conventions.js';
import type { TestApp } from './index.js';
import { generatedClientProblems, openApiProblems } from './openapi-check.js';

export interface PublishedInterfaces {
  /** Every metric family `/metrics` lists, with its type. */
  metricFamilies: MetricFamily[];
  /** Our metrics that break the Prometheus naming conventions; empty when all follow them. */
  metricViolations: ConventionViolation[];
  /** The `openapi` field of `/openapi.json`. */
  openApiVersion: unknown;
  /** What a standard OpenAPI 3.1 validator and a generated client's compilation report; empty when both pass. */
  openApiProblems: string[];
}

/**
 * Reads what every service publishes to tools it does not control (Prometheus scrapers, client
 * generators) and checks it the way those tools would. One routed request comes first, so the
 * HTTP histogram has a sample to print.
 */
export async function publishedInterfaces(app: TestApp): Promise<PublishedInterfaces> {
  await app.request('GET', '/health/live', { as: null });
  const metrics = (await app.request('GET', '/metrics', { as: null })).text;
  const doc: unknown = (await app.request('GET', '/openapi.json', { as: null })).body;
  return {
    metricFamilies: metricFamilies(metrics),
    metricViolations: metricConventionViolations(metrics),
    openApiVersion: (doc as { openapi?: unknown }).openapi,
    openApiProblems: [...(await openApiProblems(doc)), ...(await generatedClientProblems(doc))],
  };
}
