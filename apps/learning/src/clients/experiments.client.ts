import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import type { CreateExperimentBody, ExperimentResponse } from '@modelyard/types';
import type { z } from 'zod';
import { refused, serviceCall } from './service-call.js';

/** The experiments service, through its REST API. Narrow on purpose (see RegistryClient). */
@Injectable()
export class ExperimentsClient {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ServiceCredential) private readonly credential: ServiceCredential,
  ) {}

  /** Creates the experiment (idempotently, by its key) and starts it. */
  async createAndStart(body: z.input<typeof CreateExperimentBody>): Promise<ExperimentResponse> {
    const auth = this.credential.authorization();
    const base = this.config.urls.experiments;
    const created = await serviceCall('experiments', base, auth, 'POST', '/v1/experiments', { body, headers: { 'idempotency-key': `learning:${body.key}` } });
    if (!created.ok) throw await refused('POST', '/v1/experiments', created);
    const start = `/v1/experiments/${encodeURIComponent(body.key)}/start`;
    const started = await serviceCall('experiments', base, auth, 'POST', start);
    if (!started.ok) throw await refused('POST', start, started);
    return (await started.json()) as ExperimentResponse;
  }
}
