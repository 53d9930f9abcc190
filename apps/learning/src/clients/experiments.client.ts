import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, ServiceCredential, type PlatformConfig } from '@modelyard/platform';
import { ConflictError, ExperimentsClient as SdkExperimentsClient } from '@modelyard/sdk';
import type { CreateExperimentBody, ExperimentResponse } from '@modelyard/types';
import type { z } from 'zod';
import { serviceHttp, upstreamError } from './upstream.js';

/** The experiments service, through its REST API via the SDK. Narrow on purpose (see RegistryClient). */
@Injectable()
export class ExperimentsClient {
  private readonly experiments: SdkExperimentsClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ServiceCredential) credential: ServiceCredential) {
    this.experiments = new SdkExperimentsClient(serviceHttp(credential, config.urls.experiments));
  }

  /** Creates the experiment (idempotently, keyed by its key, so a retried run creates it once) and starts it (once: running already is success). */
  async createAndStart(body: z.input<typeof CreateExperimentBody>): Promise<ExperimentResponse> {
    try {
      await this.experiments.create(body, { idempotencyKey: `learning:${body.key}` });
    } catch (err) {
      throw upstreamError('experiments', `POST experiment ${body.key}`, err);
    }
    try {
      return await this.experiments.start(body.key);
    } catch (err) {
      // Started already, by an earlier attempt or by a first try whose answer was lost: that is the
      // state wanted. The 409 alone does not say so (a stopped experiment refuses too): ask.
      if (err instanceof ConflictError) {
        const current = await this.experiments.get(body.key).catch((getErr: unknown) => {
          throw upstreamError('experiments', `GET experiment ${body.key}`, getErr);
        });
        if (current.status === 'running') return current;
      }
      throw upstreamError('experiments', `POST experiment ${body.key} start`, err);
    }
  }
}
