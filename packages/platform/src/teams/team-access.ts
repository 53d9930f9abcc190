import { Inject, Injectable } from '@nestjs/common';
import { SCOPES_BY_TEAM_ROLE, TeamRole, higherTeamRole, type Scope } from '@modelyard/types';
import type { Principal } from '../auth/principal.js';
import { Forbidden, TeamForbidden } from '../errors/domain-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { TeamReadCache } from './read-cache.js';
import { TeamChanges } from './team-changes.js';

/** The least team role that grants a scope on a team's model. */
const TEAM_ROLE_FOR_SCOPE = new Map<Scope, TeamRole>([
  ['read', 'viewer'],
  ['write', 'editor'],
  ['admin', 'maintainer'],
]);

/**
 * Which models a caller may read, as a filter on a model-name column: every model, only the
 * listed ones (the caller's teams' models), or all but the listed ones (other teams' models).
 */
export type ModelFilter = { kind: 'all' } | { kind: 'only'; models: string[] } | { kind: 'except'; models: string[] };

/** A Prisma `where` on a model-name column for a ModelFilter (undefined: no restriction). */
export function modelNameWhere(filter: ModelFilter): { in: string[] } | { notIn: string[] } | undefined {
  if (filter.kind === 'all') return undefined;
  return filter.kind === 'only' ? { in: filter.models } : { notIn: filter.models };
}

/** Whether `model` passes the filter (for lists held in memory). */
export function modelVisible(filter: ModelFilter, model: string): boolean {
  if (filter.kind === 'all') return true;
  return filter.models.includes(model) === (filter.kind === 'only');
}

/** The global admin role: platform-wide rights, and every team's. */
export function isPlatformAdmin(principal: Principal): boolean {
  return principal.roles.includes('admin');
}

/**
 * Decides on team-owned models. A model's team is in platform_model_teams (written by the registry
 * with the model). A transfer or a removed member applies on the writer's next request, and on every
 * other replica of every service as soon as the announcement reaches it: the per-request reads (a
 * model's team, a member's role) are kept only between changes, as TeamChanges announces them to
 * every process (each writer announces after its commit, before it answers), and read from the
 * database whenever that announcement could be missed. The message leaves Redis with the writer's
 * reply, so another replica may answer from the old state only within that moment (milliseconds,
 * more on a loaded machine). A model without a team keeps the global roles' rule.
 */
@Injectable()
export class TeamAccess {
  private readonly owners: TeamReadCache<string | null>;
  private readonly listedRoles: TeamReadCache<string | undefined>;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(TeamChanges) changes: TeamChanges,
  ) {
    this.owners = new TeamReadCache(changes);
    this.listedRoles = new TeamReadCache(changes);
  }

  /** The team owning `model`, or null when it has none (or does not exist). */
  teamOf(model: string): Promise<string | null> {
    return this.owners.get(model, async () => {
      const row = await this.prisma.modelTeam.findUnique({ where: { model }, select: { team: true } });
      return row?.team ?? null;
    });
  }

  /** The caller's role in `team`: the higher of its credential's and the member list's. */
  async roleIn(principal: Principal, team: string): Promise<TeamRole | undefined> {
    const carried = principal.teams.get(team);
    // A team name holds no NUL (a checked safe string): the first NUL ends it, so pairs cannot collide.
    const role = await this.listedRoles.get(`${team}\u0000${principal.id}`, async () => {
      const row = await this.prisma.teamMember.findUnique({
        where: { team_member: { team, member: principal.id } },
        select: { role: true },
      });
      return row?.role;
    });
    const listed = TeamRole.safeParse(role);
    if (!listed.success) return carried;
    return carried ? higherTeamRole(carried, listed.data) : listed.data;
  }

  /** Every team the caller belongs to, with its role there. */
  async rolesOf(principal: Principal): Promise<Map<string, TeamRole>> {
    const roles = new Map(principal.teams);
    const rows = await this.prisma.teamMember.findMany({ where: { member: principal.id }, select: { team: true, role: true } });
    for (const row of rows) {
      const listed = TeamRole.safeParse(row.role);
      if (!listed.success) continue;
      const carried = roles.get(row.team);
      roles.set(row.team, carried ? higherTeamRole(carried, listed.data) : listed.data);
    }
    return roles;
  }

  /** Whether the caller's role in `team` grants `scope` on the team's models. */
  async teamAllows(principal: Principal, scope: Scope, team: string): Promise<boolean> {
    if (isPlatformAdmin(principal)) return true;
    const role = await this.roleIn(principal, team);
    return role !== undefined && SCOPES_BY_TEAM_ROLE[role].includes(scope);
  }

  /** Throws 403 unless the caller's role in `team` grants `scope`. */
  async requireTeam(principal: Principal, scope: Scope, team: string): Promise<void> {
    if (!(await this.teamAllows(principal, scope, team))) throw new TeamForbidden(scope, team, TEAM_ROLE_FOR_SCOPE.get(scope)!);
  }

  /**
   * The caller's scopes on `model`: by its team role when the model has a team, its global scopes
   * otherwise (an unknown model too: its route answers 404 then). Platform admins keep theirs.
   */
  async scopesOnModel(principal: Principal, model: string): Promise<{ team: string | null; scopes: Set<Scope> }> {
    if (isPlatformAdmin(principal)) return { team: null, scopes: principal.scopes };
    const team = await this.teamOf(model);
    if (team === null) return { team, scopes: principal.scopes };
    const role = await this.roleIn(principal, team);
    return { team, scopes: new Set(role ? SCOPES_BY_TEAM_ROLE[role] : []) };
  }

  /** Throws 403 unless the caller may act with `scope` on `model`; returns its scopes there. */
  async requireModel(principal: Principal, scope: Scope, model: string): Promise<Set<Scope>> {
    const { team, scopes } = await this.scopesOnModel(principal, model);
    if (scopes.has(scope)) return scopes;
    throw team === null ? new Forbidden(scope) : new TeamForbidden(scope, team, TEAM_ROLE_FOR_SCOPE.get(scope)!);
  }

  /**
   * The models the caller may read: all for platform admins; for a global reader every model but
   * other teams'; otherwise only its teams' models.
   */
  async readableModels(principal: Principal): Promise<ModelFilter> {
    if (isPlatformAdmin(principal)) return { kind: 'all' };
    const teams = [...(await this.rolesOf(principal)).keys()];
    if (principal.scopes.has('read')) {
      const others = await this.prisma.modelTeam.findMany({ where: { team: { notIn: teams } }, select: { model: true } });
      return others.length ? { kind: 'except', models: others.map((r) => r.model) } : { kind: 'all' };
    }
    const mine = await this.prisma.modelTeam.findMany({ where: { team: { in: teams } }, select: { model: true } });
    return { kind: 'only', models: mine.map((r) => r.model) };
  }

  /**
   * For routes that check in their handler (lists, creation with a team in the body): the caller
   * needs `scope` globally, or at least one team membership (its handler then narrows).
   */
  async requireScopeOrMembership(principal: Principal, scope: Scope): Promise<void> {
    if (principal.scopes.has(scope)) return;
    if ((await this.rolesOf(principal)).size > 0) return;
    throw new Forbidden(scope);
  }
}
