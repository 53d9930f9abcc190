import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, QueuesModule, type PlatformConfig } from '@modelyard/platform';
import { QueueName } from '@modelyard/types';
import { ExperimentsClient } from './clients/experiments.client.js';
import { ExternalCompletion } from './external/external-completion.js';
import { ExternalJobsController } from './external/external-jobs.controller.js';
import { ExternalJobsRepository } from './external/external-jobs.repository.js';
import { ExternalJobsService } from './external/external-jobs.service.js';
import { ExternalOffers } from './external/external-offers.js';
import { RegistryClient } from './clients/registry.client.js';
import { LearningMetrics } from './learning.metrics.js';
import { PipelinesController } from './pipelines/pipelines.controller.js';
import { PipelinesRepository } from './pipelines/pipelines.repository.js';
import { PipelinesService } from './pipelines/pipelines.service.js';
import { BufferStore } from './samples/buffer.store.js';
import { SamplesController } from './samples/samples.controller.js';
import { SamplesService } from './samples/samples.service.js';
import { PipelineLock } from './updates/pipeline-lock.js';
import { Registrar } from './updates/registrar.js';
import { UpdateProcessor } from './updates/update.processor.js';
import { UpdateRunner } from './updates/update.runner.js';
import { UpdateTrigger } from './updates/update-trigger.js';
import { UpdatesRepository } from './updates/updates.repository.js';
import { UpdatesService } from './updates/updates.service.js';
import { TrialProcessor } from './tuning/trial.processor.js';
import { TrialRunner } from './tuning/trial.runner.js';
import { TuningsController } from './tuning/tunings.controller.js';
import { TuningsRepository } from './tuning/tunings.repository.js';
import { TuningsService } from './tuning/tunings.service.js';
import { PIPELINE_LEGACY_KEYS } from './pipeline-keys.js';

@Module({})
export class AppModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, { legacyKeys: PIPELINE_LEGACY_KEYS }),
        QueuesModule.forRoot([QueueName.learningUpdates, QueueName.retrain, QueueName.learningTuning]),
      ],
      controllers: config.workerOnly ? [] : [PipelinesController, SamplesController, ExternalJobsController, TuningsController],
      providers: [
        RegistryClient,
        ExperimentsClient,
        LearningMetrics,
        PipelinesRepository,
        PipelinesService,
        BufferStore,
        SamplesService,
        PipelineLock,
        Registrar,
        UpdateRunner,
        UpdateTrigger,
        UpdatesRepository,
        UpdatesService,
        UpdateProcessor,
        ExternalJobsRepository,
        ExternalOffers,
        ExternalJobsService,
        ExternalCompletion,
        TuningsRepository,
        TuningsService,
        TrialRunner,
        TrialProcessor,
      ],
    };
  }
}
