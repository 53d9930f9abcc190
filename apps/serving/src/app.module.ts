import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { PlatformModule, READINESS_CHECKS, type ReadinessCheck } from '@modelyard/platform';
import { FeatureStore } from './feedback/feature-store.js';
import { FeedbackController } from './feedback/feedback.controller.js';
import { FeedbackMetrics } from './feedback/feedback.metrics.js';
import { FeedbackService } from './feedback/feedback.service.js';
import { FeedbackLoop } from './feedback/feedback-taps.js';
import { FeedbackTargets } from './feedback/feedback-targets.js';
import { ArtifactCache } from './artifacts/artifact-cache.js';
import type { ServingConfig } from './config.js';
import { Assignments } from './experiments/assignments.js';
import { ExperimentRouter } from './experiments/experiment-router.js';
import { ExperimentWatch } from './experiments/experiment-watch.js';
import { ExperimentsSource } from './experiments/experiments.source.js';
import { ExposureTap } from './experiments/exposure-tap.js';
import { RoutingMetrics } from './experiments/routing.metrics.js';
import { RunningExperiments } from './experiments/running-experiments.js';
import { Drain } from './lifecycle/drain.js';
import { servingReadiness } from './lifecycle/readiness.js';
import { LoadFailures } from './models/load-failures.js';
import { ModelStore } from './models/model-store.js';
import { Reconciler } from './models/reconciler.js';
import { ServedModels } from './models/served-models.js';
import { ServingTable } from './models/serving-table.js';
import { VersionLoader } from './models/version-loader.js';
import { OipBinaryBody } from './oip/binary-body.js';
import { OipErrors } from './oip/oip-errors.js';
import { OipController, OipHealthController } from './oip/oip.controller.js';
import { OipService } from './oip/oip.service.js';
import { SHADOW_LEGACY_KEYS } from './shadow/shadow-configs.js';
import { PredictController } from './predict/predict.controller.js';
import { PredictRoute } from './predict/predict.route.js';
import { PredictService } from './predict/predict.service.js';
import { ModelEvents } from './registry/model-events.js';
import { RegistrySource } from './registry/registry.source.js';
import { ServingMetrics } from './serving.metrics.js';
import { SERVING_SETTINGS } from './serving.tokens.js';
import { ShadowConfigs } from './shadow/shadow-configs.js';
import { ShadowReports } from './shadow/shadow-reports.js';
import { ShadowTap } from './shadow/shadow-tap.js';
import { ShadowController } from './shadow/shadow.controller.js';
import { ShadowService } from './shadow/shadow.service.js';
import { PredictionTaps } from './taps/prediction-taps.js';
import { ValidateController } from './validation/validate.controller.js';
import { ValidateService } from './validation/validate.service.js';
import { ValidationPeers } from './validation/validation-peers.js';
import { VersionAdmission } from './validation/version-admission.js';

/**
 * The platform's health controller reads READINESS_CHECKS from the platform module, which cannot
 * see this module's providers: it gets an array that this provider fills once they exist.
 */
function readinessProviders(checks: ReadinessCheck[]): Provider {
  return {
    provide: 'SERVING_READINESS',
    inject: [Drain, Reconciler, ServingTable, ModelStore, LoadFailures],
    useFactory: (drain: Drain, reconciler: Reconciler, table: ServingTable, store: ModelStore, failures: LoadFailures) => {
      checks.push(servingReadiness({ drain, reconciler, table, store, failures }));
      return checks;
    },
  };
}

@Module({})
export class AppModule {
  static forRoot(config: ServingConfig): DynamicModule {
    const checks: ReadinessCheck[] = [];
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, { legacyKeys: SHADOW_LEGACY_KEYS, providers: [{ provide: READINESS_CHECKS, useValue: checks }] }),
      ],
      controllers: [PredictController, FeedbackController, ShadowController, ValidateController, OipHealthController, OipController],
      providers: [
        { provide: SERVING_SETTINGS, useValue: config.serving },
        ServingMetrics,
        RegistrySource,
        ArtifactCache,
        VersionLoader,
        ModelStore,
        LoadFailures,
        ServingTable,
        Reconciler,
        ModelEvents,
        ServedModels,
        Drain,
        PredictionTaps,
        FeedbackMetrics,
        FeedbackTargets,
        FeatureStore,
        FeedbackService,
        FeedbackLoop,
        ExperimentsSource,
        RoutingMetrics,
        RunningExperiments,
        ExperimentWatch,
        Assignments,
        ExperimentRouter,
        ExposureTap,
        PredictService,
        PredictRoute,
        OipService,
        OipErrors,
        OipBinaryBody,
        ShadowConfigs,
        ShadowReports,
        ShadowTap,
        ShadowService,
        ValidationPeers,
        VersionAdmission,
        ValidateService,
        readinessProviders(checks),
      ],
    };
  }
}
