import { Inject, Injectable } from '@nestjs/common';
import { Forbidden, InvalidTransition, NotFound, ValidationFailed, type Principal, TeamAccess } from '@modelyard/platform';
import { ALLOWED_TRANSITIONS } from '@modelyard/types';
import { ArtifactGc } from '../../artifacts/artifact-gc.processor.js';
import { LifecycleService } from '../../lifecycle/lifecycle.service.js';
import { artifactUri, runUuid, toRunId } from '../../tracking/run-ids.js';
import { TrackingService } from '../../tracking/tracking.service.js';
import type { MlflowOrigin } from '../../versions/versions.repository.js';
import { VersionsService } from '../../versions/versions.service.js';
import { mlflowVersion } from './mlflow-registry.mapper.js';
import { MlflowRegistryRepository, type KeyTag, type VersionRow } from './mlflow-registry.repository.js';
import { dedupeTags, invalidStage } from './mlflow-models.service.js';
import { nextToken, pageOffset, parseOrderBy, VERSION_ORDER_COLUMNS } from './registry-paging.js';
import { parseVersionFilter } from './registry-filter.js';
import type { CreateModelVersion, SearchModelVersions, TransitionStage } from './registry.schemas.js';
import { parseMlflowStage, stagesShownAs, transitionPath } from './stage-mapping.js';

/** `runs:/<run id>/<path>` (what `log_model(registered_model_name=…)` registers). */
const RUNS_URI = /^runs:\/([0-9a-fA-F-]{32,36})(?:\/(.*))?$/;
/** `mlflow-artifacts:[//host]/<experiment>/<run>/artifacts/<path>`: a run's files behind our proxy. */
const PROXY_URI = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(\d{1,18})\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/;

const cleanPath = (path: string | undefined) => (path ?? '').replace(/^\/+|\/+$/g, '');
const badSource = (message: string) => new ValidationFailed([{ field: 'source', in: 'body', message }]);

/**
 * MLflow's model versions over ours: created through the versions service (a normal version,
 * numbered, audited, announced), moved through the lifecycle service step by step (so the allowed
 * transitions, the admin-only production and the single production version all hold).
 */
@Injectable()
export class MlflowVersionsService {
  constructor(
    @Inject(VersionsService) private readonly versions: VersionsService,
    @Inject(LifecycleService) private readonly lifecycle: LifecycleService,
    @Inject(TrackingService) private readonly tracking: TrackingService,
    @Inject(MlflowRegistryRepository) private readonly repo: MlflowRegistryRepository,
    @Inject(ArtifactGc) private readonly gc: ArtifactGc,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
  ) {}

  async create(body: CreateModelVersion, who: Principal) {
    const { runId, files } = await this.resolveSource(body.source, body.run_id);
    const origin: MlflowOrigin = {
      source: body.source,
      runLink: body.run_link ?? null,
      keyTags: dedupeTags(body.tags ?? []),
      runFiles: files,
    };
    const lineage = runId ? { lineage: { runId } } : {};
    const created = await this.versions.create(body.name, { description: body.description, ...lineage }, who.id, origin);
    return { model_version: await this.view(await this.repo.versionById(created.id)) };
  }

  async get(name: string, number: number) {
    return { model_version: await this.view(await this.repo.version(name, number)) };
  }

  async update(name: string, number: number, description: string | undefined, who: Principal) {
    await this.repo.describeVersion(name, number, description, who.id);
    return this.get(name, number);
  }

  async delete(name: string, number: number, who: Principal) {
    const id = await this.repo.deleteVersion(name, number, who.id);
    // The version's artifacts went with it; their blobs may now be unreferenced.
    await this.gc.schedule(`version-deleted.${id}`, `deletion of ${name} version ${number}`);
    return {};
  }

  async search(query: SearchModelVersions, who: Principal) {
    const readable = await this.teams.readableModels(who);
    const offset = pageOffset(query.page_token);
    const filter = parseVersionFilter(query.filter);
    // A run id that cannot be one matches nothing, as an unknown one does.
    const runUuids = filter.runIds?.flatMap((id) => (/^[0-9a-f]{32}$/i.test(id.replaceAll('-', '')) ? [runUuid(id)] : []));
    const order = parseOrderBy(query.order_by, VERSION_ORDER_COLUMNS);
    const rows = await this.repo.searchVersions(filter, readable, runUuids, order, offset, query.max_results + 1);
    const page = rows.slice(0, query.max_results);
    const aliases = await this.repo.aliasesOf([...new Set(page.map((v) => v.modelId))]);
    const found = page.map((v) => mlflowVersion(v, aliases));
    return { ...(found.length ? { model_versions: found } : {}), ...nextToken(rows.length, query.max_results, offset) };
  }

  /**
   * MLflow allows any jump between its four stages; ours are walked through allowed transitions
   * only, each step through the lifecycle service. Production needs admin and the model's required
   * approvals, both checked before the first step so a refused promotion leaves the version where it was.
   */
  async transition(body: TransitionStage, who: Principal) {
    const stage = parseMlflowStage(body.stage);
    if (!stage) throw invalidStage(body.stage, 'stage');
    if (body.archive_existing_versions && stage !== 'Staging' && stage !== 'Production') {
      throw new ValidationFailed([
        {
          field: 'archive_existing_versions',
          in: 'body',
          message: `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`,
        },
      ]);
    }
    const row = await this.repo.version(body.name, body.version);
    const path = transitionPath(row.stage, stage);
    if (!path) throw new InvalidTransition(row.stage, stagesShownAs(stage).join(' or '), ALLOWED_TRANSITIONS[row.stage]);
    if (path.includes('production') && !who.scopes.has('admin')) throw new Forbidden('admin');
    // Approvals too, so a refused promotion leaves the version where it was (not half-way in Staging).
    if (path.includes('production')) await this.lifecycle.assertApproved(body.name, row.version);
    const reason = `MLflow transition-stage to ${stage}`;
    for (const to of path) {
      if (to === 'production') await this.lifecycle.promote(body.name, row.version, { reason }, who);
      else await this.lifecycle.transition(body.name, row.version, { to, reason }, who);
    }
    // Production holds one version by our rule, so archiving the previous one happens either way.
    if (body.archive_existing_versions && stage === 'Staging') await this.archiveOthers(row, who);
    return this.get(body.name, body.version);
  }

  async downloadUri(name: string, number: number) {
    const row = await this.repo.version(name, number);
    if (row.source === null) {
      throw badSource(
        `version ${number} (${row.version}) was not registered through MLflow; download it from /v1/models/${name}/versions/${row.version}/artifacts`,
      );
    }
    const runs = RUNS_URI.exec(row.source);
    if (!runs) return { artifact_uri: row.source };
    const run = await this.tracking.getRun(runs[1]!);
    const path = cleanPath(runs[2]);
    return { artifact_uri: `${artifactUri(run.project.artifactLocation, run.id)}${path ? `/${path}` : ''}` };
  }

  async setTag(name: string, number: number, tag: KeyTag, who: Principal) {
    await this.repo.setVersionTag(name, number, tag, who.id);
    return {};
  }

  async deleteTag(name: string, number: number, key: string, who: Principal) {
    await this.repo.deleteVersionTag(name, number, key, who.id);
    return {};
  }

  private async archiveOthers(row: VersionRow, who: Principal) {
    const reason = `MLflow transition-stage of version ${row.number} with archive_existing_versions`;
    const others = (await this.repo.versionsOf([row.modelId])).filter((v) => v.id !== row.id && v.stage === 'staging');
    for (const other of others) await this.lifecycle.transition(row.model.name, other.version, { to: 'archived', reason }, who);
  }

  /** The run behind a source, and the run files the version takes when the source is one of our runs. */
  private async resolveSource(source: string, runId: string | undefined) {
    const runs = RUNS_URI.exec(source);
    const proxy = PROXY_URI.exec(source);
    const sourceRun = runs?.[1] ?? proxy?.[2];
    if (sourceRun && runId && runUuid(sourceRun) !== runUuid(runId)) {
      throw badSource(`the source belongs to run ${toRunId(runUuid(sourceRun))}, not to run_id ${runId}`);
    }
    const id = sourceRun ?? runId;
    if (!id) return { runId: undefined, files: null };
    const run = await this.tracking.getRun(id).catch((err: unknown) => {
      if (err instanceof NotFound) throw badSource(`run ${id} does not exist`);
      throw err;
    });
    if (proxy && proxy[1] !== String(run.projectId)) throw badSource(`run ${toRunId(run.id)} is not in experiment ${proxy[1]}`);
    const files = sourceRun ? { runId: run.id, path: cleanPath(runs?.[2] ?? proxy?.[3]) } : null;
    return { runId: toRunId(run.id), files };
  }

  private async view(row: VersionRow) {
    return mlflowVersion(row, await this.repo.aliasesOf([row.modelId]));
  }
}
