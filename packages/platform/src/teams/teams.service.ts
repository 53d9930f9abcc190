import { Inject, Injectable } from '@nestjs/common';
import { Prisma } from '@modelyard/db';
import { TeamRole, type CreateTeamBody, type PutTeamMemberBody, type TeamMemberResponse, type TeamResponse } from '@modelyard/types';
import { recordAudit } from '../audit/audit-writer.js';
import { AlreadyExists, NotFound } from '../errors/domain-errors.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { TeamChanges } from './team-changes.js';

type TeamRow = Awaited<ReturnType<PrismaService['team']['findFirstOrThrow']>>;
type MemberRow = Awaited<ReturnType<PrismaService['teamMember']['findFirstOrThrow']>>;

function toMember(row: MemberRow): TeamMemberResponse {
  return { member: row.member, role: TeamRole.parse(row.role), addedBy: row.addedBy, addedAt: row.addedAt.toISOString() };
}

function toTeam(row: TeamRow & { members: MemberRow[] }): TeamResponse {
  return {
    name: row.name,
    description: row.description,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    members: row.members.map(toMember),
  };
}

/** How teams and their members are named in the audit log. */
export const teamTarget = (team: string) => `team:${team}`;
const memberTarget = (team: string, member: string) => `team:${team}/member:${member}`;

const isPrismaError = (err: unknown, code: string) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;

/**
 * Teams and their members (platform tables, managed by platform admins from any service). Every
 * change is audited in the platform's log, in the change's transaction.
 */
@Injectable()
export class TeamsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(TeamChanges) private readonly changes: TeamChanges,
  ) {}

  async create(body: CreateTeamBody, createdBy: string): Promise<TeamResponse> {
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const created = await tx.team.create({ data: { name: body.name, description: body.description ?? null, createdBy } });
        const after = { name: created.name, description: created.description };
        await recordAudit(tx, 'platform', { action: 'team.created', actor: createdBy, target: teamTarget(created.name), after });
        return created;
      });
      return toTeam({ ...row, members: [] });
    } catch (err) {
      if (isPrismaError(err, 'P2002')) throw new AlreadyExists('team', body.name);
      throw err;
    }
  }

  async list(): Promise<TeamResponse[]> {
    const rows = await this.prisma.team.findMany({ include: { members: { orderBy: { member: 'asc' } } }, orderBy: { name: 'asc' } });
    return rows.map(toTeam);
  }

  async get(name: string): Promise<TeamResponse> {
    const row = await this.prisma.team.findUnique({ where: { name }, include: { members: { orderBy: { member: 'asc' } } } });
    if (!row) throw new NotFound('team', name);
    return toTeam(row);
  }

  /** Adds the member, or changes its role. */
  async putMember(team: string, member: string, body: PutTeamMemberBody, addedBy: string): Promise<TeamMemberResponse> {
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const earlier = await tx.teamMember.findUnique({ where: { team_member: { team, member } } });
        const saved = await tx.teamMember.upsert({
          where: { team_member: { team, member } },
          create: { team, member, role: body.role, addedBy },
          update: { role: body.role, addedBy, addedAt: new Date() },
        });
        const before = earlier && { role: earlier.role };
        await recordAudit(tx, 'platform', {
          action: 'team.member_set',
          actor: addedBy,
          target: memberTarget(team, member),
          before,
          after: { role: saved.role },
        });
        return saved;
      });
      await this.changes.announce(`member ${member} of ${team}`);
      return toMember(row);
    } catch (err) {
      if (isPrismaError(err, 'P2003')) throw new NotFound('team', team);
      throw err;
    }
  }

  async removeMember(team: string, member: string, removedBy: string): Promise<TeamMemberResponse> {
    const existing = await this.prisma.$transaction(async (tx) => {
      const row = await tx.teamMember.findUnique({ where: { team_member: { team, member } } });
      if (!row) throw new NotFound('team member', `${team}/${member}`);
      await tx.teamMember.delete({ where: { team_member: { team, member } } });
      await recordAudit(tx, 'platform', {
        action: 'team.member_removed',
        actor: removedBy,
        target: memberTarget(team, member),
        before: { role: row.role },
      });
      return row;
    });
    await this.changes.announce(`member ${member} of ${team}`);
    return toMember(existing);
  }
}
