import { Controller } from '@nestjs/common';
import { MlflowArtifactsController } from './mlflow-artifacts.controller.js';
import { MlflowExperimentsController } from './mlflow-experiments.controller.js';
import { MlflowFallbackController } from './mlflow-fallback.controller.js';
import { MlflowRunsController } from './mlflow-runs.controller.js';
import { MlflowModelVersionsController } from './registry/mlflow-model-versions.controller.js';
import { MlflowRegisteredModelsController } from './registry/mlflow-registered-models.controller.js';

// MLflow's web UI calls the same API under /ajax-api/2.0/: the same handlers, mounted again.
// (Subclasses inherit the routes and filters; OpenAPI documents the /api/2.0 originals only.)
@Controller('ajax-api/2.0/mlflow/experiments')
class AjaxExperiments extends MlflowExperimentsController {}
@Controller('ajax-api/2.0/mlflow')
class AjaxRuns extends MlflowRunsController {}
@Controller('ajax-api/2.0')
class AjaxArtifacts extends MlflowArtifactsController {}
@Controller('ajax-api/2.0/mlflow/registered-models')
class AjaxRegisteredModels extends MlflowRegisteredModelsController {}
@Controller('ajax-api/2.0/mlflow/model-versions')
class AjaxModelVersions extends MlflowModelVersionsController {}
@Controller('ajax-api/2.0/mlflow')
class AjaxFallback extends MlflowFallbackController {}

/** Registered after every other controller: the fallbacks must not shadow anything. */
export const MLFLOW_CONTROLLERS = [
  MlflowExperimentsController,
  MlflowRunsController,
  MlflowArtifactsController,
  MlflowRegisteredModelsController,
  MlflowModelVersionsController,
  MlflowFallbackController,
  AjaxExperiments,
  AjaxRuns,
  AjaxArtifacts,
  AjaxRegisteredModels,
  AjaxModelVersions,
  AjaxFallback,
];
