import { z } from 'zod';
import { Role, Scope, safeString, safeText } from './common.js';

export const CreateApiKeyBody = z.strictObject({
  name: safeString().min(1).max(128),
  roles: z.array(Role).min(1).max(3),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  roles: z.array(Role),
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
  /** When the credential stops being valid, if it says. */
  expiresAt: z.string().nullable(),
});
export type WhoAmIResponse = z.infer<typeof WhoAmIResponse>;
