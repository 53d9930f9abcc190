import type { Artifact, ModelVersion } from '@modelyard/db';
import type { ArtifactResponse, ManifestResponse } from '@modelyard/types';
import { downloadHeaders } from './download-headers.js';

export function toArtifactResponse(row: Artifact): ArtifactResponse {
  return {
    path: row.path,
    size: Number(row.size),
    sha256: row.sha256,
    contentType: row.contentType,
    uploadedBy: row.uploadedBy,
    uploadedAt: row.uploadedAt.toISOString(),
  };
}

export function toManifest(model: string, version: ModelVersion, rows: Artifact[]): ManifestResponse {
  return {
    model,
    version: version.version,
    stage: version.stage,
    immutable: version.stage !== 'draft',
    integrityFailedAt: version.integrityFailedAt?.toISOString() ?? null,
    totalSize: rows.reduce((sum, r) => sum + Number(r.size), 0),
    items: rows.map(toArtifactResponse),
  };
}

/**
 * Response headers that describe a stored artifact (GET and HEAD). The ETag is the content hash.
 * The type is the uploader's only when it is safe; the manifest keeps the declared one.
 */
export function artifactHeaders(row: Artifact): Record<string, string> {
  return {
    ...downloadHeaders(row.contentType, row.path),
    etag: `"${row.sha256}"`,
    'x-content-sha256': row.sha256,
    'accept-ranges': 'bytes',
    'last-modified': row.uploadedAt.toUTCString(),
  };
}
