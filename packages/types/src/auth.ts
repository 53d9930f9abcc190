import { z } from 'zod';
import { Role, Scope, TeamName, TeamRole, safeString, safeText } from './common.js';

export const CreateApiKeyBody = z
  .strictObject({
    name: safeString().min(1).max(128),
    /** Global roles; may be empty for a key made for one team. */
    roles: z.array(Role).max(3),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** The team the key acts for, with `teamRole` there. */
    team: TeamName.optional(),
    teamRole: TeamRole.optional(),
  })
  .refine((b) => (b.team === undefined) === (b.teamRole === undefined), {
    message: 'give team and teamRole together',
    path: ['teamRole'],
  })
  .refine((b) => b.roles.length > 0 || b.team !== undefined, {
    message: 'a key needs at least one role, or a team',
    path: ['roles'],
  });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  roles: z.array(Role),
  team: z.string().nullable(),
  teamRole: TeamRole.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyResponse = z.infer<typeof ApiKeyResponse>;

/** Only the creation response carries the secret; it is never shown again. */
export const CreatedApiKeyResponse = ApiKeyResponse.extend({ key: z.string() });
export type CreatedApiKeyResponse = z.infer<typeof CreatedApiKeyResponse>;

export const MaintenanceBody = z.strictObject({
  enabled: z.boolean(),
  message: safeText().max(500).optional(),
});
export const MaintenanceResponse = z.object({
  enabled: z.boolean(),
  message: z.string().nullable(),
  source: z.enum(['env', 'api']).nullable(),
});
export type MaintenanceResponse = z.infer<typeof MaintenanceResponse>;

/** Who a credential belongs to, as the service that checked it sees it (the console's sign-in check). */
export const WhoAmIResponse = z.object({
  kind: z.enum(['jwt', 'api_key']),
  /** `sub` of a JWT, or `key:<id>` for an API key. */
  id: z.string(),
  roles: z.array(Role),
  scopes: z.array(Scope),
  /** Team memberships: from the token's `teams` claim, the key's team and the team member lists. */
  teams: z.array(z.object({ team: z.string(), role: TeamRole })),
  /** When the credential stops being valid, if it says. */
  expiresAt: z.string().nullable(),
});
export type WhoAmIResponse = z.infer<typeof WhoAmIResponse>;

// ---------------------------------------------------------------- teams

/**
 * The `teams` claim an identity provider may put in a JWT: memberships it grants. A token whose
 * claim has another shape is refused (401), not read partially.
 */
export const TeamsClaim = z.array(z.strictObject({ team: TeamName, role: TeamRole })).max(256);
export type TeamsClaim = z.infer<typeof TeamsClaim>;

export const CreateTeamBody = z.strictObject({
  name: TeamName,
  description: safeText().max(2000).optional(),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;

/** A member: a JWT subject (`sub`) or an API key (`key:<id>`). */
export const TeamMemberId = safeString().min(1).max(256);

export const PutTeamMemberBody = z.strictObject({ role: TeamRole });
export type PutTeamMemberBody = z.infer<typeof PutTeamMemberBody>;

export const TeamMemberResponse = z.object({
  member: z.string(),
  role: TeamRole,
  addedBy: z.string(),
  addedAt: z.string(),
});
export type TeamMemberResponse = z.infer<typeof TeamMemberResponse>;

export const TeamResponse = z.object({
  name: z.string(),
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  members: z.array(TeamMemberResponse),
});
export type TeamResponse = z.infer<typeof TeamResponse>;
