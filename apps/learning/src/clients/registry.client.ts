import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import type { CreateVersionBody, Stage, VersionResponse } from '@modelyard/types';
import { refused, serviceCall, type CallOptions } from './service-call.js';

/**
 * The registry, through its REST API (never its tables). Narrow methods, one per need, so the
 * switch to the typed SDK touches only this file.
 */
@Injectable()
export class RegistryClient {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ServiceCredential) private readonly credential: ServiceCredential,
  ) {}

  private call(method: string, path: string, o?: CallOptions) {
    return serviceCall('registry', this.config.urls.registry, this.credential.authorization(), method, path, o);
  }

  private static model(name: string) {
    return `/v1/models/${encodeURIComponent(name)}`;
  }

  private static version(model: string, version: string) {
    return `${RegistryClient.model(model)}/versions/${encodeURIComponent(version)}`;
  }

  async modelExists(model: string): Promise<boolean> {
    const path = RegistryClient.model(model);
    const res = await this.call('GET', path);
    if (res.status === 404) return false;
    if (!res.ok) throw await refused('GET', path, res);
    return true;
  }

  /** The version in production, or null when the model has none. */
  async production(model: string): Promise<VersionResponse | null> {
    const path = `${RegistryClient.model(model)}/production`;
    const res = await this.call('GET', path);
    if (res.status === 404) return null;
    if (!res.ok) throw await refused('GET', path, res);
    return (await res.json()) as VersionResponse;
  }

  async version(model: string, version: string): Promise<VersionResponse | null> {
    const path = RegistryClient.version(model, version);
    const res = await this.call('GET', path);
    if (res.status === 404) return null;
    if (!res.ok) throw await refused('GET', path, res);
    return (await res.json()) as VersionResponse;
  }

  /** An artifact's bytes (verified by the registry), or null when the version has no such file. */
  async download(model: string, version: string, file: string): Promise<Buffer | null> {
    const path = `${RegistryClient.version(model, version)}/artifacts/${file}`;
    const res = await this.call('GET', path);
    if (res.status === 404) return null;
    if (!res.ok) throw await refused('GET', path, res);
    return Buffer.from(await res.arrayBuffer());
  }

  /**
   * Creates a draft version. `idempotencyKey` makes a retried run (after a crash between this call
   * and the checkpoint commit) get the same version back instead of a second one.
   */
  async createVersion(model: string, body: CreateVersionBody, idempotencyKey: string): Promise<VersionResponse> {
    const path = `${RegistryClient.model(model)}/versions`;
    const res = await this.call('POST', path, { body, headers: { 'idempotency-key': idempotencyKey } });
    if (!res.ok) throw await refused('POST', path, res);
    return (await res.json()) as VersionResponse;
  }

  /** Uploads a file to a draft version, with its SHA-256 for the registry to check. */
  async upload(model: string, version: string, file: string, bytes: Buffer): Promise<void> {
    const path = `${RegistryClient.version(model, version)}/artifacts/${file}`;
    const sha = createHash('sha256').update(bytes).digest('hex');
    const res = await this.call('PUT', path, { body: bytes, headers: { 'x-content-sha256': sha, 'x-artifact-content-type': 'application/json' } });
    if (!res.ok) throw await refused('PUT', path, res);
  }

  async transition(model: string, version: string, to: Stage, reason: string): Promise<VersionResponse> {
    const path = `${RegistryClient.version(model, version)}/transitions`;
    const res = await this.call('POST', path, { body: { to, reason } });
    if (!res.ok) throw await refused('POST', path, res);
    return (await res.json()) as VersionResponse;
  }
}
