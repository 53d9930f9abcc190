import type { ReadinessCheck } from '@modelyard/platform';
import type { ArtifactsConfig } from '../../config.js';
import type { ArtifactStorage } from './artifact-storage.js';
import { FilesystemStorage } from './filesystem.storage.js';

/**
 * The configured backend. The S3 SDK (about 4 MB of memory and 200 ms of start-up) is imported only
 * when the S3 backend is chosen, so a registry on the filesystem never loads it.
 */
export async function createStorage(config: ArtifactsConfig): Promise<ArtifactStorage> {
  if (config.backend !== 's3') return new FilesystemStorage(config.filesystem);
  const { S3Storage } = await import('./s3.storage.js');
  return new S3Storage(config.s3);
}

/** /health/ready: the backend takes a write (and, on a filesystem, has room). */
export function storageReadiness(storage: Promise<ArtifactStorage>): ReadinessCheck {
  return { name: 'storage', check: async () => (await storage).check() };
}
