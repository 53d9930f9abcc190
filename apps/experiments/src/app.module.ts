import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, QueuesModule, type PlatformConfig } from '@modelyard/platform';
import { QueueName } from '@modelyard/types';
import { AssignmentController } from './assignment/assignment.controller.js';
import { AssignmentService } from './assignment/assignment.service.js';
import { ExperimentsController } from './experiments/experiments.controller.js';
import { ExperimentsMetrics } from './experiments/experiments.metrics.js';
import { ExperimentsRepository } from './experiments/experiments.repository.js';
import { ExperimentsService } from './experiments/experiments.service.js';
import { ExperimentsTick } from './experiments/experiments.tick.js';
import { OutcomesController } from './outcomes/outcomes.controller.js';
import { OutcomesService } from './outcomes/outcomes.service.js';
import { OutcomesStore } from './outcomes/outcomes.store.js';
import { ConclusionController } from './conclusion/conclusion.controller.js';
import { ConclusionService } from './conclusion/conclusion.service.js';
import { RegistryClient } from './registry.client.js';
import { ResultsService } from './results/results.service.js';
import { ResultsController } from './results/results.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), QueuesModule.forRoot([QueueName.experimentsTick])],
      controllers: config.workerOnly ? [] : [ExperimentsController, AssignmentController, OutcomesController, ResultsController, ConclusionController],
      providers: [RegistryClient, ExperimentsMetrics, ExperimentsRepository, ExperimentsService, AssignmentService, OutcomesStore, OutcomesService, ResultsService, ConclusionService, ExperimentsTick],
    };
  }
}
