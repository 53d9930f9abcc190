import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ChangeAnnouncer,
  Conflict,
  Forbidden,
  toPage,
  ValidationFailed,
  type Principal,
  TeamAccess,
  TeamResolvers,
} from '@modelyard/platform';
import {
  CHANGE_NOTICES,
  type CreatePipelineBody,
  type ListPipelinesQuery,
  type PageQuery,
  type PipelineState,
  type UpdatePipelineBody,
} from '@modelyard/types';
import { RegistryClient } from '../clients/registry.client.js';
import { BufferStore } from '../samples/buffer.store.js';
import { PipelineLock } from '../updates/pipeline-lock.js';
import { UpdateTrigger } from '../updates/update-trigger.js';
import { toUpdateEntry } from '../updates/updates.mapper.js';
import { UpdatesRepository } from '../updates/updates.repository.js';
import { changeIssues } from './pipeline-rules.js';
import { toPipelineResponse } from './pipelines.mapper.js';
import { PipelinesRepository } from './pipelines.repository.js';

@Injectable()
export class PipelinesService implements OnModuleInit {
  constructor(
    @Inject(PipelinesRepository) private readonly pipelines: PipelinesRepository,
    @Inject(UpdatesRepository) private readonly updates: UpdatesRepository,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(UpdateTrigger) private readonly triggers: UpdateTrigger,
    @Inject(BufferStore) private readonly buffer: BufferStore,
    @Inject(PipelineLock) private readonly lock: PipelineLock,
    @Inject(ChangeAnnouncer) private readonly announcer: ChangeAnnouncer,
    @Inject(TeamAccess) private readonly teams: TeamAccess,
    @Inject(TeamResolvers) private readonly resolvers: TeamResolvers,
  ) {}

  /** Routes on `/v1/pipelines/:id` are checked against the team of the pipeline's model. */
  onModuleInit(): void {
    this.resolvers.register('pipeline', (ref) => this.pipelines.modelOf(ref));
  }

  /** Serving forwards each model's labels to its active pipelines: it re-lists them when told. */
  private changed(model: string): Promise<void> {
    return this.announcer.announce(CHANGE_NOTICES.pipeline, model);
  }

  async create(body: CreatePipelineBody, who: Principal) {
    const enabledBy = autoPromoteEnabler(body.register.autoPromote, who);
    // The registry owns models: it is asked, not its tables.
    if (!(await this.registry.modelExists(body.model))) {
      throw new ValidationFailed([{ field: 'model', in: 'body', message: `model '${body.model}' is not in the registry` }]);
    }
    const pipeline = await this.pipelines.create(body, who.id, enabledBy);
    await this.triggers.syncSchedule(pipeline);
    await this.changed(pipeline.model);
    return toPipelineResponse(pipeline);
  }

  async list(query: ListPipelinesQuery, who: Principal) {
    return toPage(await this.pipelines.list(query, await this.teams.readableModels(who)), query.limit, toPipelineResponse, (p) => p.name);
  }

  async get(ref: string) {
    return toPipelineResponse(await this.pipelines.get(ref));
  }

  async update(ref: string, body: UpdatePipelineBody, who: Principal) {
    const enabledBy = body.register ? autoPromoteEnabler(body.register.autoPromote, who) : undefined;
    const current = await this.pipelines.get(ref);
    const issues = changeIssues(current, body);
    if (issues.length) throw new ValidationFailed(issues);
    const pipeline = await this.pipelines.update(current.id, body, who.id, enabledBy);
    await this.triggers.syncSchedule(pipeline);
    await this.changed(pipeline.model);
    return toPipelineResponse(pipeline);
  }

  async setState(ref: string, state: PipelineState, who: Principal) {
    const current = await this.pipelines.get(ref);
    // Setting the state it has is a success with nothing to do: a client that lost the answer to
    // its pause (or resume) retries it and must not be told it failed.
    if (current.state === state) return toPipelineResponse(current);
    const pipeline = await this.pipelines.setState(current.id, state, who.id);
    await this.triggers.syncSchedule(pipeline);
    await this.changed(pipeline.model);
    // Samples kept arriving while paused: they may call for an update right away.
    if (state === 'active') await this.triggers.afterSamples(pipeline, await this.buffer.size(pipeline.id));
    return toPipelineResponse(pipeline);
  }

  async remove(ref: string, who: Principal) {
    const current = await this.pipelines.get(ref);
    // Schedule first: if Redis fails here, the pipeline is still there to delete again.
    await this.triggers.syncSchedule({ ...current, state: 'paused' });
    await this.pipelines.remove(current.id, who.id);
    await this.buffer.remove(current.id);
    await this.changed(current.model);
  }

  async trigger(ref: string) {
    const p = await this.pipelines.get(ref);
    if (p.state !== 'active') throw new Conflict(`pipeline '${p.name}' is paused; resume it first`);
    return { jobId: await this.triggers.enqueue(p, 'manual'), reason: 'manual' as const };
  }

  async status(ref: string) {
    const p = await this.pipelines.get(ref);
    const [bufferSize, droppedTotal, updating, last, checkpoint] = await Promise.all([
      this.buffer.size(p.id),
      this.buffer.dropped(p.id),
      this.lock.held(p.id),
      this.updates.lastUpdate(p.id),
      this.updates.latestCheckpoint(p.id),
    ]);
    return {
      pipeline: p.name,
      state: p.state,
      bufferSize,
      droppedTotal,
      samplesSeen: Number(p.samplesSeen),
      updating,
      currentVersion: p.currentVersion,
      lastUpdate: last ? toUpdateEntry(last) : null,
      metrics: checkpoint?.metrics ?? {},
    };
  }

  async history(ref: string, query: PageQuery) {
    const p = await this.pipelines.get(ref);
    return toPage(await this.updates.history(p.id, query), query.limit, toUpdateEntry, (u) => u.id);
  }
}

/**
 * `register.autoPromote` lets the experiments this pipeline starts promote their winner on their
 * own, so turning it on needs the scope promotion needs (admin), and whoever does is recorded:
 * those experiments are created in their name. Returns them (null when off).
 */
function autoPromoteEnabler(autoPromote: boolean, who: Principal): string | null {
  if (!autoPromote) return null;
  if (!who.scopes.has('admin')) throw new Forbidden('admin');
  return who.id;
}
