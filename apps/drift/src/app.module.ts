import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, QueuesModule, WebhooksModule, type PlatformConfig } from '@modelyard/platform';
import { QueueName } from '@modelyard/types';
import { AlertsController } from './alerts/alerts.controller.js';
import { AlertsRepository } from './alerts/alerts.repository.js';
import { AlertsService } from './alerts/alerts.service.js';
import { ChecksController } from './checks/checks.controller.js';
import { ChecksProcessor } from './checks/checks.processor.js';
import { ChecksService } from './checks/checks.service.js';
import { ReportsRepository } from './checks/reports.repository.js';
import { ReportsService } from './checks/reports.service.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { DashboardService } from './dashboard/dashboard.service.js';
import { DistributionsController } from './distributions/distributions.controller.js';
import { DistributionsService } from './distributions/distributions.service.js';
import { DriftMetrics } from './drift.metrics.js';
import { LabelIndex } from './labels/label-index.js';
import { LabelsController } from './labels/labels.controller.js';
import { LabelsService } from './labels/labels.service.js';
import { MonitorsController } from './monitors/monitors.controller.js';
import { MonitorsRepository } from './monitors/monitors.repository.js';
import { MonitorsService } from './monitors/monitors.service.js';
import { RecordsController } from './records/records.controller.js';
import { RecordsService } from './records/records.service.js';
import { ReferenceController } from './reference/reference.controller.js';
import { ReferenceRepository } from './reference/reference.repository.js';
import { ReferenceService } from './reference/reference.service.js';
import { WindowCheckJobsService } from './checks/window-check-jobs.service.js';
import { WindowChecksProcessor } from './checks/window-checks.processor.js';
import { WindowChecksService } from './checks/window-checks.service.js';
import { MONITOR_LEGACY_KEYS } from './monitor-keys.js';
import { BucketStore } from './window/bucket-store.js';
import { RollUpStore } from './window/roll-up-store.js';
import { WindowStore } from './window/window.store.js';

@Module({})
export class AppModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, { legacyKeys: MONITOR_LEGACY_KEYS }),
        // Alerts go out through the platform's webhook outbox and delivery worker.
        QueuesModule.forRoot([QueueName.driftChecks, QueueName.webhooks]),
        WebhooksModule.forRoot({ routes: false }),
      ],
      controllers: config.workerOnly
        ? []
        : [
            MonitorsController,
            ReferenceController,
            RecordsController,
            LabelsController,
            ChecksController,
            AlertsController,
            DashboardController,
            DistributionsController,
          ],
      providers: [
        DriftMetrics,
        WindowStore,
        BucketStore,
        RollUpStore,
        LabelIndex,
        LabelsService,
        MonitorsRepository,
        MonitorsService,
        ReferenceRepository,
        ReferenceService,
        RecordsService,
        ReportsRepository,
        ReportsService,
        ChecksService,
        WindowChecksService,
        WindowCheckJobsService,
        WindowChecksProcessor,
        ChecksProcessor,
        AlertsRepository,
        AlertsService,
        DashboardService,
        DistributionsService,
      ],
    };
  }
}
