import { BanditService } from './bandit/bandit.service.js';
import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, QueuesModule, type PlatformConfig } from '@modelyard/platform';
import { QueueName } from '@modelyard/types';
import { AssignmentController } from './assignment/assignment.controller.js';
import { AssignmentRoute } from './assignment/assignment.route.js';
import { AssignmentService } from './assignment/assignment.service.js';
import { AssignmentsRepository } from './assignment/assignments.repository.js';
import { StickyPersistenceService } from './assignment/sticky-persistence.service.js';
import { ConclusionController } from './conclusion/conclusion.controller.js';
import { ConclusionService } from './conclusion/conclusion.service.js';
import { ExperimentsController } from './experiments/experiments.controller.js';
import { ExperimentsMetrics } from './experiments/experiments.metrics.js';
import { ExperimentsRepository } from './experiments/experiments.repository.js';
import { ExperimentsService } from './experiments/experiments.service.js';
import { ExperimentsTick } from './experiments/experiments.tick.js';
import { OutcomesController } from './outcomes/outcomes.controller.js';
import { OutcomesService } from './outcomes/outcomes.service.js';
import { OutcomesStore } from './outcomes/outcomes.store.js';
import { StatsSnapshotService } from './outcomes/stats-snapshot.service.js';
import { StatsHistoryRepository } from './outcomes/stats-history.repository.js';
import { StatsRepository } from './outcomes/stats.repository.js';
import { RegistryClient } from './registry.client.js';
import { PlanningController } from './planning/planning.controller.js';
import { ResultsController } from './results/results.controller.js';
import { ResultsService } from './results/results.service.js';
import { EXPERIMENT_LEGACY_KEYS } from './experiment-keys.js';

// PlanningController before ExperimentsController: its static path must win over `:key` routes.
const CONTROLLERS = [
  PlanningController,
  ExperimentsController,
  AssignmentController,
  OutcomesController,
  ResultsController,
  ConclusionController,
];

@Module({})
export class AppModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config, { legacyKeys: EXPERIMENT_LEGACY_KEYS }), QueuesModule.forRoot([QueueName.experimentsTick])],
      controllers: config.workerOnly ? [] : CONTROLLERS,
      providers: [
        RegistryClient,
        ExperimentsRepository,
        AssignmentsRepository,
        StatsRepository,
        StatsHistoryRepository,
        ExperimentsMetrics,
        ExperimentsService,
        AssignmentService,
        StickyPersistenceService,
        OutcomesStore,
        OutcomesService,
        StatsSnapshotService,
        ResultsService,
        ConclusionService,
        ExperimentsTick,
        BanditService,
        // Answers a route of AssignmentController: only where the controllers are served.
        ...(config.workerOnly ? [] : [AssignmentRoute]),
      ],
    };
  }
}
