import { z } from 'zod';
import { safeString } from './common.js';
import { ModelName, VersionName } from './registry.js';

export const Sha256Hex = safeString()
  .regex(/^[0-9a-f]{64}$/i, '64 hexadecimal characters (a SHA-256 digest)')
  .transform((s) => s.toLowerCase());

const SEGMENT = /^[\w.+@=,-]+$/;

/**
 * A file path inside a version: relative, `/`-separated segments of letters, digits and
 * `_ . + @ = , -`. `.` and `..` segments are refused, so a path can never escape its version.
 */
export const ArtifactPath = safeString()
  .min(1)
  .max(1024)
  .refine(
    (p) => p.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..'),
    'relative path of segments made of letters, digits and _ . + @ = , - (no empty, . or .. segments)',
  );

/** Route parameters of one artifact. Fastify names the wildcard `*`; it is exposed as `path`. */
export const ArtifactParams = z.preprocess(
  (raw) => {
    if (typeof raw !== 'object' || raw === null) return raw;
    const { '*': path, ...rest } = raw as Record<string, unknown>;
    return { ...rest, path };
  },
  z.strictObject({ name: ModelName, version: VersionName, path: ArtifactPath }),
);
export type ArtifactParams = z.infer<typeof ArtifactParams>;

/** Upload headers: the body's expected digest and the artifact's own media type. */
export const UploadHeaders = z.object({
  'x-content-sha256': Sha256Hex.optional(),
  'x-artifact-content-type': safeString()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, 'a media type such as application/onnx')
    .optional(),
  'content-length': z.coerce.number().int().min(0).optional(),
});
export type UploadHeaders = z.infer<typeof UploadHeaders>;

export const ArtifactResponse = z.object({
  path: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  contentType: z.string(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
export type ArtifactResponse = z.infer<typeof ArtifactResponse>;

export const UploadResponse = ArtifactResponse.extend({
  /** True when identical content was already stored (by this or another version): no new bytes kept. */
  deduplicated: z.boolean(),
});
export type UploadResponse = z.infer<typeof UploadResponse>;

export const ManifestResponse = z.object({
  model: z.string(),
  version: z.string(),
  stage: z.string(),
  /** Artifacts may change only while the version is a draft. */
  immutable: z.boolean(),
  integrityFailedAt: z.string().nullable(),
  totalSize: z.number().int(),
  items: z.array(ArtifactResponse),
});
export type ManifestResponse = z.infer<typeof ManifestResponse>;

export const BlobCheck = z.enum(['ok', 'corrupted', 'missing']);
export type BlobCheck = z.infer<typeof BlobCheck>;

export const VerifyResponse = z.object({
  model: z.string(),
  version: z.string(),
  ok: z.boolean(),
  items: z.array(
    z.object({
      path: z.string(),
      sha256: z.string(),
      size: z.number().int(),
      status: BlobCheck,
      /** What the stored bytes hash to now, when they could be read. */
      actualSha256: z.string().nullable(),
      actualSize: z.number().int().nullable(),
    }),
  ),
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;
