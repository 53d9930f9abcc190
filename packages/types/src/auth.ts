import { z } from 'zod';
import { Role, safeString, safeText } from './common.js';

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
