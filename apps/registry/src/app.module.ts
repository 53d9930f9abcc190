import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, QueuesModule, READINESS_CHECKS, WebhooksModule } from '@modelyard/platform';
import { QueueName } from '@modelyard/types';
import { ApprovalsController } from './approvals/approvals.controller.js';
import { ApprovalsRepository } from './approvals/approvals.repository.js';
import { ApprovalsService } from './approvals/approvals.service.js';
import { AliasesController } from './aliases/aliases.controller.js';
import { AliasesRepository } from './aliases/aliases.repository.js';
import { AliasesService } from './aliases/aliases.service.js';
import { ArtifactGc } from './artifacts/artifact-gc.processor.js';
import { ArtifactsController } from './artifacts/artifacts.controller.js';
import { ArtifactsRepository } from './artifacts/artifacts.repository.js';
import { ArtifactsService } from './artifacts/artifacts.service.js';
import { ARTIFACTS_CONFIG } from './artifacts/artifacts.tokens.js';
import { DownloadsService } from './artifacts/downloads.service.js';
import { OctetStreamParser } from './artifacts/octet-stream.parser.js';
import { ARTIFACT_STORAGE } from './artifacts/storage/artifact-storage.js';
import { createStorage, storageReadiness } from './artifacts/storage/create-storage.js';
import { StorageLifecycle } from './artifacts/storage/storage.lifecycle.js';
import { AUDIT_RETENTION_DAYS, AuditArchiver } from './audit/audit-archiver.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditRepository } from './audit/audit.repository.js';
import type { RegistryConfig } from './config.js';
import { LifecycleController } from './lifecycle/lifecycle.controller.js';
import { LifecycleRepository } from './lifecycle/lifecycle.repository.js';
import { LifecycleService } from './lifecycle/lifecycle.service.js';
import { RegistryMetrics } from './registry.metrics.js';
import { ModelsController } from './models/models.controller.js';
import { ModelsRepository } from './models/models.repository.js';
import { ModelsService } from './models/models.service.js';
import { MLFLOW_CONTROLLERS } from './mlflow/mlflow.controllers.js';
import { MlflowUploadBody } from './mlflow/mlflow-upload-body.js';
import { MlflowErrorShape } from './mlflow/mlflow-error-shape.js';
import { MlflowModelsService } from './mlflow/registry/mlflow-models.service.js';
import { MlflowRegistryRepository } from './mlflow/registry/mlflow-registry.repository.js';
import { MlflowVersionsService } from './mlflow/registry/mlflow-versions.service.js';
import { MetricsRepository } from './tracking/metrics.repository.js';
import { ProjectsController } from './tracking/projects.controller.js';
import { ProjectsRepository } from './tracking/projects.repository.js';
import { RunArtifactsService } from './tracking/run-artifacts.service.js';
import { RunsController } from './tracking/runs.controller.js';
import { RunsRepository } from './tracking/runs.repository.js';
import { TrackingService } from './tracking/tracking.service.js';
import { ValidationController } from './validation/validation.controller.js';
import { ValidationRepository } from './validation/validation.repository.js';
import { ValidationService } from './validation/validation.service.js';
import { VersionsController } from './versions/versions.controller.js';
import { VersionsRepository } from './versions/versions.repository.js';
import { VersionsService } from './versions/versions.service.js';

@Module({})
export class AppModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    // One storage instance, shared by the artifact providers and the platform's readiness check.
    const storage = createStorage(config.artifacts);
    // A failed creation is reported by the provider below; the readiness check's copy must not be unhandled.
    storage.catch(() => undefined);
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, {
          apiKeyRoutes: true,
          providers: [{ provide: READINESS_CHECKS, useValue: [storageReadiness(storage)] }],
        }),
        QueuesModule.forRoot([QueueName.webhooks, QueueName.artifactGc, QueueName.auditArchive]),
        WebhooksModule.forRoot({ routes: !config.workerOnly }),
      ],
      controllers: config.workerOnly
        ? []
        : [
            ModelsController,
            VersionsController,
            LifecycleController,
            ApprovalsController,
            AliasesController,
            AuditController,
            ArtifactsController,
            ValidationController,
            ProjectsController,
            RunsController,
            ...MLFLOW_CONTROLLERS,
          ],
      providers: [
        { provide: ARTIFACT_STORAGE, useFactory: () => storage },
        { provide: ARTIFACTS_CONFIG, useValue: config.artifacts },
        { provide: AUDIT_RETENTION_DAYS, useValue: config.auditRetentionDays },
        AuditArchiver,
        StorageLifecycle,
        OctetStreamParser,
        RegistryMetrics,
        AuditRepository,
        ModelsRepository,
        ModelsService,
        VersionsRepository,
        VersionsService,
        ValidationRepository,
        ValidationService,
        ApprovalsRepository,
        ApprovalsService,
        LifecycleRepository,
        LifecycleService,
        AliasesRepository,
        AliasesService,
        ArtifactsRepository,
        ArtifactsService,
        DownloadsService,
        ArtifactGc,
        ProjectsRepository,
        RunsRepository,
        MetricsRepository,
        TrackingService,
        RunArtifactsService,
        MlflowUploadBody,
        MlflowErrorShape,
        MlflowRegistryRepository,
        MlflowModelsService,
        MlflowVersionsService,
      ],
    };
  }
}
