import { signJwt, type TestApp } from './index.js';

export type TeamRoleName = 'viewer' | 'editor' | 'maintainer';
type Bearer = { bearer: string };

/** A documented operation with the scope it needs and the team check it names (`x-team-resource`). */
export interface TeamOperation {
  method: string;
  path: string;
  scope: string;
  team?: { kind: string; in?: string; field?: string };
}

const SCOPES_OF_TEAM_ROLE = new Map<TeamRoleName, string[]>([
  ['viewer', ['read']],
  ['editor', ['read', 'write']],
  ['maintainer', ['read', 'write', 'admin']],
]);

/** Every operation of the app's OpenAPI document that needs a credential. */
export async function teamOperations(app: TestApp): Promise<TeamOperation[]> {
  const doc = (await app.request('GET', '/openapi.json', { as: null })).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const ops: TeamOperation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const scope = op['x-required-scope'];
      if (typeof scope !== 'string') continue;
      ops.push({ method, path, scope, team: op['x-team-resource'] as TeamOperation['team'] });
    }
  }
  return ops;
}

/** Operations that name no team check and match none of `notModelRoutes`: each one a route someone forgot. */
export async function routesWithoutTeamCheck(app: TestApp, notModelRoutes: RegExp[]): Promise<string[]> {
  return (await teamOperations(app))
    .filter((op) => !op.team && !notModelRoutes.some((r) => r.test(op.path)))
    .map((op) => `${op.method} ${op.path}`);
}

export interface TeamMatrixOptions {
  app: TestApp;
  /** Values for the path parameters and the team-checked field of a fresh resource of the team's model, for `op`. */
  fresh(op: TeamOperation): Promise<Record<string, string>>;
  /** The team's members by role. */
  members: Record<TeamRoleName, Bearer>;
  /** Callers who must be refused on every route: another team's maintainer, a global editor... */
  outsiders: [string, Bearer][];
}

export interface TeamMatrixResult {
  /** Calls whose outcome was not the expected one (empty when all were). */
  mismatches: { route: string; who: string; expected: string; status: number }[];
  /** Routes exercised. */
  routes: string[];
  /** Refusals of team members by role (a role refused nowhere is missing). */
  refusedByRole: Map<TeamRoleName, number>;
}

/** One call of `op`: values where the route reads them, any other body refused by validation. */
function call(app: TestApp, op: TeamOperation, values: Record<string, string>, as: Bearer) {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, param: string) => encodeURIComponent(values[param] ?? 'x'));
  const inQuery = op.team?.in === 'query' || op.team?.in === 'bodyOrQuery';
  const query = inQuery ? `?${new URLSearchParams(values).toString()}` : '';
  const hasBody = op.method !== 'get' && op.method !== 'head' && op.team?.in !== 'bodyOrQuery';
  const body = op.team?.in === 'body' ? values : hasBody ? { unknownField: 1 } : undefined;
  return app.request(op.method.toUpperCase(), `${path}${query}`, { as, body });
}

/**
 * Calls every team-checked operation of the app as outsiders (each must be refused: 403) and as
 * each team role (refused exactly when the role lacks the route's scope; any other answer but 401
 * and 5xx counts as passing the check). Refused calls share a resource, allowed ones get a fresh
 * one each, as they may change or delete it.
 */
export async function teamMatrix(options: TeamMatrixOptions): Promise<TeamMatrixResult> {
  const { app } = options;
  const result: TeamMatrixResult = { mismatches: [], routes: [], refusedByRole: new Map() };
  for (const op of (await teamOperations(app)).filter((o) => o.team && o.team.kind !== 'handler')) {
    const route = `${op.method} ${op.path}`;
    const shared = await options.fresh(op);
    for (const [who, as] of options.outsiders) {
      const res = await call(app, op, shared, as);
      if (res.status !== 403) result.mismatches.push({ route, who, expected: 'refused', status: res.status });
    }
    for (const [role, scopes] of SCOPES_OF_TEAM_ROLE) {
      const allowed = scopes.includes(op.scope);
      const res = await call(app, op, allowed ? await options.fresh(op) : shared, options.members[role]);
      const refused = res.status === 403;
      const failed = res.status === 401 || res.status >= 500;
      if (allowed ? refused || failed : !refused) {
        result.mismatches.push({ route, who: `team ${role}`, expected: allowed ? 'passed' : 'refused', status: res.status });
      }
      if (!allowed) result.refusedByRole.set(role, (result.refusedByRole.get(role) ?? 0) + 1);
    }
    result.routes.push(route);
  }
  return result;
}

/** JWTs of a team's members by role, granted through the token's `teams` claim (subject `<team>-<role>`). */
export function teamMembers(team: string): Record<TeamRoleName, Bearer> {
  const member = (role: TeamRoleName) => ({ bearer: signJwt({ sub: `${team}-${role}`, teams: [{ team, role }] }) });
  return { viewer: member('viewer'), editor: member('editor'), maintainer: member('maintainer') };
}

/**
 * The cast of the services' team tests: team alpha's members, team beta's, a global editor, and
 * the outsiders every team-checked route must refuse on alpha's models (beta's maintainer, the
 * global editor).
 */
export function teamCast() {
  const alpha = teamMembers('alpha');
  const beta = teamMembers('beta');
  const globalEditor: Bearer = { bearer: signJwt({ sub: 'global-editor', roles: ['editor'] }) };
  const outsiders: [string, Bearer][] = [
    ['beta maintainer', beta.maintainer],
    ['global editor', globalEditor],
  ];
  return { alpha, beta, globalEditor, outsiders };
}

/** Creates the teams through the registry's admin route (as the test kit's admin). */
export async function createTeams(registry: TestApp, names: readonly string[] = ['alpha', 'beta']): Promise<void> {
  for (const name of names) {
    const res = await registry.request('POST', '/v1/teams', { body: { name } });
    if (res.status !== 201) throw new Error(`POST /v1/teams ${name}: ${res.status} ${res.text}`);
  }
}
