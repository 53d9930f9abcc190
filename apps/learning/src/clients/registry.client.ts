import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { NotFoundError, RegistryClient as SdkRegistryClient } from '@modelyard/sdk';
import type { CreateVersionBody, ManifestResponse, Stage, VersionResponse } from '@modelyard/types';
import { serviceHttp, upstreamError } from './upstream.js';

/**
 * The registry, through its REST API (never its tables) via the SDK. Narrow methods, one per need;
 * a 404 where absence is an answer becomes null, every other failure an Upstream* error.
 */
@Injectable()
export class RegistryClient {
  private readonly registry: SdkRegistryClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    this.registry = new SdkRegistryClient(serviceHttp(credential, config.urls.registry));
  }

  private async call<T>(name: string, fn: () => Promise<T>, absent?: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (absent !== undefined && err instanceof NotFoundError) return absent;
      throw upstreamError('registry', name, err);
    }
  }

  async modelExists(model: string): Promise<boolean> {
    return this.call(`GET model ${model}`, async () => (await this.registry.models.get(model), true), false);
  }

  /** The version in production, or null when the model has none. */
  async production(model: string): Promise<VersionResponse | null> {
    return this.call<VersionResponse | null>(`GET ${model} production`, () => this.registry.versions.production(model), null);
  }

  /** An artifact's bytes (checked against the registry's SHA-256), or null when the version has no such file. */
  async download(model: string, version: string, file: string): Promise<Buffer | null> {
    return this.call<Buffer | null>(`GET ${model}@${version}/${file}`, () => this.registry.artifacts.read(model, version, file), null);
  }

  /**
   * Creates a draft version. `idempotencyKey` makes a retried run (after a crash between this call
   * and the checkpoint commit) get the same version back instead of a second one.
   */
  async createVersion(model: string, body: CreateVersionBody, idempotencyKey: string): Promise<VersionResponse> {
    return this.call(`POST ${model} version`, () => this.registry.versions.create(model, body, { idempotencyKey }));
  }

  /** A version as it is now (an idempotent create replays its first answer, which may be stale). */
  async version(model: string, version: string): Promise<VersionResponse> {
    return this.call(`GET ${model}@${version}`, () => this.registry.versions.get(model, version));
  }

  /** A version's stage and artifacts with their SHA-256. */
  async manifest(model: string, version: string): Promise<ManifestResponse> {
    return this.call(`GET ${model}@${version} artifacts`, () => this.registry.artifacts.manifest(model, version));
  }

  /** A version's manifest, or null when the model has no such version. */
  async findManifest(model: string, version: string): Promise<ManifestResponse | null> {
    return this.call<ManifestResponse | null>(
      `GET ${model}@${version} artifacts`,
      () => this.registry.artifacts.manifest(model, version),
      null,
    );
  }

  /** Uploads a file to a draft version, with its SHA-256 for the registry to check. */
  async upload(model: string, version: string, file: string, bytes: Buffer, contentType: string): Promise<void> {
    const push = () => this.registry.artifacts.push(model, version, file, bytes, { contentType });
    await this.call(`PUT ${model}@${version}/${file}`, push);
  }

  async transition(model: string, version: string, to: Stage, reason: string): Promise<VersionResponse> {
    return this.call(`POST ${model}@${version} transition to ${to}`, () => this.registry.lifecycle.transition(model, version, to, reason));
  }
}
