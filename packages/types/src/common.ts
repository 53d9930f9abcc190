import { z } from 'zod';

/** Roles carried by JWTs and API keys. Each role grants the scopes of the roles before it. */
export const Role = z.enum(['viewer', 'editor', 'admin']);
export type Role = z.infer<typeof Role>;

/** What a route needs: `read` (viewer), `write` (editor), `admin` (promote, delete, keys). */
export const Scope = z.enum(['read', 'write', 'admin']);
export type Scope = z.infer<typeof Scope>;

export const SCOPES_BY_ROLE: Record<Role, readonly Scope[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

export function scopesOf(roles: readonly Role[]): Set<Scope> {
  return new Set(roles.flatMap((role) => SCOPES_BY_ROLE[role]));
}

/**
 * A member's role in a team, on the team's models only: `viewer` reads, `editor` writes (versions,
 * experiments, monitors, ingestion, pipelines), `maintainer` does what needs `admin` on a model
 * (promote, delete, approvals policy). Platform-wide rights (keys, teams, maintenance, webhooks)
 * stay with the global `admin` role.
 */
export const TeamRole = z.enum(['viewer', 'editor', 'maintainer']);
export type TeamRole = z.infer<typeof TeamRole>;

export const SCOPES_BY_TEAM_ROLE: Record<TeamRole, readonly Scope[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  maintainer: ['read', 'write', 'admin'],
};

/** The higher of two team roles (a member named both by a token and by the database keeps the higher). */
export function higherTeamRole(a: TeamRole, b: TeamRole): TeamRole {
  return TeamRole.options.indexOf(a) >= TeamRole.options.indexOf(b) ? a : b;
}

// ---------------------------------------------------------------- safe strings

/**
 * Every string a client sends goes through one of the two helpers below (a test walks every
 * request schema to hold that). NUL cannot be stored by Postgres (text or jsonb) and a lone
 * surrogate cannot be encoded as UTF-8: let through, the first fails deep in a query as a 500 and
 * the second is silently replaced. Other C0 control characters have no place in names, ids and
 * values (they corrupt logs, headers and tab-separated Redis entries); free text may hold tabs
 * and line breaks.
 */
// Control characters are exactly what these expressions are meant to find.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for a string safe as a name, id or value: well-formed Unicode, no control character. */
export const isSafeString = (s: string): boolean => !CONTROL.test(s) && !LONE_SURROGATE.test(s);

/** The checks, exported so the contract test can tell a guarded string from a bare one. */
export const STRING_CHECKS = {
  wellFormed: z.refine<string>((s) => !LONE_SURROGATE.test(s), {
    message: 'must be well-formed Unicode (it holds a lone surrogate)',
    abort: true,
  }),
  noControl: z.refine<string>((s) => !CONTROL.test(s), {
    message: 'must not contain control characters (U+0000 to U+001F)',
    abort: true,
  }),
  noControlButWhitespace: z.refine<string>((s) => !CONTROL_BUT_WHITESPACE.test(s), {
    message: 'must not contain control characters other than tab, line feed and carriage return',
    abort: true,
  }),
};

/** A string for names, ids and values: no control characters, no lone surrogates. */
export const safeString = () => z.string().check(STRING_CHECKS.wellFormed, STRING_CHECKS.noControl);

/** Free text (descriptions, reasons, messages): as safeString, but tabs and line breaks are allowed. */
export const safeText = () => z.string().check(STRING_CHECKS.wellFormed, STRING_CHECKS.noControlButWhitespace);

export const Tag = safeString()
  .min(1)
  .max(64)
  .regex(/^[\w.:/-]+$/, 'letters, digits and _ . : / - only');
export const Tags = z.array(Tag).max(64);

/** Team names: lower-case letters, digits and dashes, as they appear in paths and JWT claims. */
export const TeamName = safeString()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and - only, starting with a letter or digit');

/** Cursor pagination: `?limit=&cursor=`; the cursor is opaque to clients. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: safeString().min(1).max(512).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** JSON values as stored in JSON columns; finite numbers only (JSON has no NaN/Infinity). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([safeText(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(safeString(), JsonValue)]),
);
export const JsonObject = z.record(safeString().max(256), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

/** RFC 9457 problem details, as every service answers errors. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;
