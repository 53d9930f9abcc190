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

/** What a service's published interfaces get wrong; `PUBLISHED_WELL` when nothing. */
export interface PublishedProblems {
  /** Of the families the service must publish, those `/metrics` lacks (or lists with another type). */
  missingMetricFamilies: MetricFamily[];
  metricViolations: ConventionViolation[];
  openApiVersion: unknown;
  openApiProblems: string[];
}

export const PUBLISHED_WELL: PublishedProblems = {
  missingMetricFamilies: [],
  metricViolations: [],
  openApiVersion: '3.1.0',
  openApiProblems: [],
};

/**
 * The one check every service's published-interfaces test makes: the metric families it must
 * publish (the HTTP histogram always), Prometheus conventions, and a valid OpenAPI 3.1 document a
 * generated client compiles from. `expect(await publishedProblems(app, [...])).toEqual(PUBLISHED_WELL)`.
 */
export async function publishedProblems(app: TestApp, mustPublish: MetricFamily[]): Promise<PublishedProblems> {
  const published = await publishedInterfaces(app);
  const listed = new Set(published.metricFamilies.map((f) => `${f.name} ${f.type}`));
  const required = [{ name: 'http_request_duration_seconds', type: 'histogram' }, ...mustPublish];
  return {
    missingMetricFamilies: required.filter((f) => !listed.has(`${f.name} ${f.type}`)),
    metricViolations: published.metricViolations,
    openApiVersion: published.openApiVersion,
    openApiProblems: published.openApiProblems,
  };
}
