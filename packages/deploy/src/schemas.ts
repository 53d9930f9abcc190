import type { K8sObject } from './render.js';

interface Validating {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validating;

/** The module of kubernetes-models (or its Prometheus Operator package) holding an apiVersion's kinds. */
function modelModule(apiVersion: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/')) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

// One import per module, one at a time: Jest's ESM loader fails ("request for './model.js' is not
// in cache") when modules sharing a dependency are linked concurrently.
const modules = new Map<string, Promise<Record<string, unknown> | null>>();
let previous: Promise<unknown> = Promise.resolve();
function load(path: string): Promise<Record<string, unknown> | null> {
  let loading = modules.get(path);
  if (!loading) {
    loading = previous.then(() => (import(path) as Promise<Record<string, unknown>>).catch(() => null));
    previous = loading;
    modules.set(path, loading);
  }
  return loading;
}

/**
 * What is wrong with an object against the Kubernetes OpenAPI schemas (kubernetes-models compiles
 * them to validators): wrong types, missing required fields, bad enums. An apiVersion or kind the
 * schemas do not know is a problem too. Unknown extra fields pass, as in the OpenAPI documents
 * (the API server's strict field validation is what refuses those).
 */
export async function schemaProblems(o: K8sObject): Promise<string[]> {
  const what = `${o.kind}/${o.metadata?.name ?? '?'}`;
  const mod = await load(modelModule(o.apiVersion));
  const Model = mod && Object.hasOwn(mod, o.kind) ? (mod[o.kind] as ModelClass) : null;
  if (!Model) return [`${what}: no schema for ${o.apiVersion} ${o.kind}`];
  try {
    new Model(o).validate();
    return [];
  } catch (err) {
    return [`${what}: ${(err as Error).message}`];
  }
}
