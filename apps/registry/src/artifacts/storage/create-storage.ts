import type { ReadinessCheck } from '@modelyard/platform';
import type { ArtifactsConfig } from '../../config.js';
import type { ArtifactStorage } from './artifact-storage.js';
import { FilesystemStorage } from './filesystem.storage.js';
import { S3Storage } from './s3.storage.js';

export function createStorage(config: ArtifactsConfig): ArtifactStorage {
  return config.backend === 's3' ? new S3Storage(config.s3) : new FilesystemStorage(config.filesystem);
}

/** /health/ready: the backend takes a write (and, on a filesystem, has room). */
export function storageReadiness(storage: ArtifactStorage): ReadinessCheck {
  return { name: 'storage', check: () => storage.check() };
}
