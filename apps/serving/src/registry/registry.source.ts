import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { HttpClient, NotFoundError, RegistryClient, type PulledArtifact } from '@modelyard/sdk';
import type { ManifestResponse, VersionResponse } from '@modelyard/types';

/** Per attempt; a large artifact download streams for as long as it takes after its headers. */
const TIMEOUT_MS = 10_000;
const RETRY = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * What serving asks the registry, through its REST API (never its tables) via the SDK, with this
 * service's credential. A 404 where absence is an answer becomes null (or an empty list); every
 * other failure is thrown as the SDK's error.
 */
@Injectable()
export class RegistrySource {
  private readonly registry: RegistryClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    this.registry = new RegistryClient(
      new HttpClient({
        ...credential.clientOptions(),
        baseUrl: config.urls.registry,
        timeoutMs: TIMEOUT_MS,
        retry: RETRY,
      }),
    );
  }

  private async orNull<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  async models(): Promise<string[]> {
    const names: string[] = [];
    for await (const model of this.registry.models.all({ limit: 200 })) names.push(model.name);
    return names;
  }

  /** The production version's number; null when the model has none (or no longer exists). */
  async production(model: string): Promise<string | null> {
    return (await this.orNull(this.registry.versions.production(model)))?.version ?? null;
  }

  /** alias → version; empty when the model has none (or no longer exists). */
  async aliases(model: string): Promise<Map<string, string>> {
    const list = await this.orNull(this.registry.aliases.list(model));
    return new Map((list?.items ?? []).map((a) => [a.alias, a.version]));
  }

  version(model: string, version: string): Promise<VersionResponse | null> {
    return this.orNull(this.registry.versions.get(model, version));
  }

  manifest(model: string, version: string): Promise<ManifestResponse | null> {
    return this.orNull(this.registry.artifacts.manifest(model, version));
  }

  /** Streams an artifact to `file`; it appears only once its SHA-256 matched the registry's header. */
  pull(model: string, version: string, artifact: string, file: string): Promise<PulledArtifact> {
    return this.registry.artifacts.pull(model, version, artifact, file);
  }
}
