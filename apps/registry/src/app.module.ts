import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type PlatformConfig } from '@modelyard/platform';
import { AliasesController } from './aliases/aliases.controller.js';
import { AliasesRepository } from './aliases/aliases.repository.js';
import { AliasesService } from './aliases/aliases.service.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditRepository } from './audit/audit.repository.js';
import { LifecycleController } from './lifecycle/lifecycle.controller.js';
import { LifecycleRepository } from './lifecycle/lifecycle.repository.js';
import { LifecycleService } from './lifecycle/lifecycle.service.js';
import { RegistryMetrics } from './registry.metrics.js';
import { ModelsController } from './models/models.controller.js';
import { ModelsRepository } from './models/models.repository.js';
import { ModelsService } from './models/models.service.js';
import { VersionsController } from './versions/versions.controller.js';
import { VersionsRepository } from './versions/versions.repository.js';
import { VersionsService } from './versions/versions.service.js';

@Module({})
export class AppModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config, { apiKeyRoutes: true })],
      controllers: config.workerOnly
        ? []
        : [ModelsController, VersionsController, LifecycleController, AliasesController, AuditController],
      providers: [
        RegistryMetrics,
        AuditRepository,
        ModelsRepository,
        ModelsService,
        VersionsRepository,
        VersionsService,
        LifecycleRepository,
        LifecycleService,
        AliasesRepository,
        AliasesService,
      ],
    };
  }
}
