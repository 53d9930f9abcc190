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

export const Tag = z.string().min(1).max(64).regex(/^[\w.:/-]+$/, 'letters, digits and _ . : / - only');
export const Tags = z.array(Tag).max(64);

/** Cursor pagination: `?limit=&cursor=`; the cursor is opaque to clients. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
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
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);
export const JsonObject = z.record(z.string().max(256), JsonValue);
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
