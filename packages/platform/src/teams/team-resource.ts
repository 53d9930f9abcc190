import { Injectable, SetMetadata } from '@nestjs/common';

export const TEAM_RESOURCE = 'modelyard:team-resource';
export const TEAM_CHECKED_IN_HANDLER = 'modelyard:team-checked-in-handler';

/** Where a team-checked route finds its resource: a path parameter, or a field of the query or body (`bodyOrQuery`: the body's, else the query's). */
export interface TeamResourceSpec {
  /** `model` (the value is the model's name) or a kind a service registered a resolver for. */
  kind: string;
  from: 'params' | 'query' | 'body' | 'bodyOrQuery';
  field: string;
}

/**
 * The route acts on one resource of a team-owned model: the guard resolves the model (from the
 * path parameter `name` by default), finds its team and checks the caller's team role against the
 * route's scope. `@TeamResource('experiment', { field: 'id' })` resolves an experiment id through
 * the resolver the experiments service registered. On a class, every route of the controller.
 */
export const TeamResource = (kind = 'model', where: Partial<Pick<TeamResourceSpec, 'from' | 'field'>> = {}) =>
  SetMetadata(TEAM_RESOURCE, {
    kind,
    from: where.from ?? 'params',
    field: where.field ?? (kind === 'model' ? 'name' : 'id'),
  } satisfies TeamResourceSpec);

/**
 * The handler checks team access itself (a list narrowed to readable models, a team named in the
 * body). The guard only asks that the caller holds the route's scope globally or belongs to a team.
 */
export const TeamCheckedInHandler = () => SetMetadata(TEAM_CHECKED_IN_HANDLER, true);

/** Finds the model name of a resource id; null when there is no such resource. */
export type TeamResolver = (id: string) => Promise<string | null>;

/**
 * Resolvers from a service's resource ids to their model's name, registered by the service that
 * owns the resource (experiments, monitors, pipelines), so the platform guard reads no service's
 * tables itself.
 */
@Injectable()
export class TeamResolvers {
  private readonly resolvers = new Map<string, TeamResolver>();

  register(kind: string, resolver: TeamResolver): void {
    if (this.resolvers.has(kind)) throw new Error(`a team resolver for '${kind}' is already registered`);
    this.resolvers.set(kind, resolver);
  }

  /** The model name of the resource; throws when the kind has no resolver (a wiring error, found by the first request). */
  async modelOf(kind: string, value: string): Promise<string | null> {
    if (kind === 'model') return value;
    const resolver = this.resolvers.get(kind);
    if (!resolver) throw new Error(`no team resolver registered for '${kind}'`);
    return resolver(value);
  }
}
