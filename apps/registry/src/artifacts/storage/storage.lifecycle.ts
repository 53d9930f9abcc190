import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ARTIFACT_STORAGE, type ArtifactStorage } from './artifact-storage.js';

@Injectable()
export class StorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ARTIFACT_STORAGE) private readonly storage: ArtifactStorage) {}

  async onApplicationShutdown() {
    await this.storage.close();
  }
}
