import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, NotFound, parseIntCursor } from '@modelyard/platform';
import type { KeyValue, RunStatus } from '@modelyard/types';
import { MetricsRepository, type Point } from './metrics.repository.js';
import { ProjectsRepository, type LifecycleView } from './projects.repository.js';
import { FilterSyntaxError, parseOrderTerm, parseRunFilter } from './run-filter.js';
import { filterSql, orderSql } from './run-filter-sql.js';
import { projectKey, runUuid } from './run-ids.js';
import { RunsRepository, type DatasetInput, type NewRun, type RunRow } from './runs.repository.js';
import { InvalidField, NotActive } from './tracking.errors.js';

export interface RunSearch {
  projectIds: string[];
  filter?: string;
  orderBy?: string[];
  view: LifecycleView;
  limit: number;
  cursor?: string;
  /** Where a bad cursor, filter or order is reported (our names or MLflow's). */
  fields: { filter: string; orderBy: string; cursor: string };
}

const LOG_MODEL_HISTORY = 'mlflow.log-model.history';

const historyCursor = (raw: string) => {
  const parts = /^(-?\d{1,19}):(\d{1,19}):(\d{1,19})$/.exec(raw);
  return parts ? { step: BigInt(parts[1]!), timestamp: BigInt(parts[2]!), id: BigInt(parts[3]!) } : null;
};

/** The use cases of training-run tracking, shared by our /v1 API and the MLflow-compatible one. */
@Injectable()
export class TrackingService {
  constructor(
    @Inject(ProjectsRepository) readonly projects: ProjectsRepository,
    @Inject(RunsRepository) private readonly runs: RunsRepository,
    @Inject(MetricsRepository) private readonly metrics: MetricsRepository,
  ) {}

  createRun(input: NewRun, actor: string) {
    return this.runs.create(input, actor);
  }

  getRun(runId: string) {
    return this.runs.get(runId);
  }

  updateRun(runId: string, change: { status?: RunStatus; endTime?: number; name?: string }) {
    return this.runs.update(runId, change);
  }

  deleteRun(runId: string, actor: string) {
    return this.runs.setLifecycle(runId, 'deleted', actor);
  }

  restoreRun(runId: string, actor: string) {
    return this.runs.setLifecycle(runId, 'active', actor);
  }

  deleteTag(runId: string, key: string) {
    return this.runs.deleteTag(runId, key);
  }

  logInputs(runId: string, datasets: DatasetInput[]) {
    return this.runs.logInputs(runId, datasets);
  }

  /** Metrics, params and tags of one call, all or nothing; the run must exist and not be deleted. */
  async logBatch(runId: string, batch: { metrics?: Point[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> {
    const stored = await this.metrics.logBatch(runUuid(runId), {
      metrics: batch.metrics ?? [],
      params: batch.params ?? [],
      tags: batch.tags ?? [],
    });
    // Nothing was written: find out why (no such run, or a deleted one) for the error.
    if (!stored) {
      await this.runs.active(runId);
      throw new NotActive('run', runId);
    }
  }

  async history(runId: string, key: string, limit: number, cursor: string | undefined, cursorField = 'cursor') {
    const after = decodeWithField(cursor, historyCursor, cursorField);
    const run = await this.runs.get(runId);
    const rows = await this.metrics.history(run.id, key, after, limit);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const next = rows.length > limit && last ? encodeCursor(`${last.step}:${last.timestamp}:${last.id}`) : null;
    return { items, next };
  }

  /**
   * Appends a logged model's description (MLflow's MLmodel as JSON) to the run's
   * `mlflow.log-model.history` tag, a JSON list, as MLflow's own server does.
   */
  async recordLoggedModel(runId: string, modelJson: string): Promise<void> {
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw new InvalidField('model_json', 'not valid JSON');
    }
    const run = await this.runs.get(runId);
    const existing = run.tags.find((t) => t.key === LOG_MODEL_HISTORY)?.value;
    let history: unknown[] = [];
    try {
      const parsed: unknown = existing ? JSON.parse(existing) : [];
      if (Array.isArray(parsed)) history = parsed;
    } catch {
      history = [];
    }
    await this.logBatch(runId, { tags: [{ key: LOG_MODEL_HISTORY, value: JSON.stringify([...history, model]) }] });
  }

  /** Runs matching a filter, ordered, one page; the cursor carries the offset (as MLflow's page token does). */
  async search(query: RunSearch): Promise<{ runs: RunRow[]; next: string | null }> {
    const offset = Number(decodeWithField(query.cursor, parseIntCursor, query.fields.cursor) ?? 0n);
    let clauses;
    try {
      clauses = parseRunFilter(query.filter);
    } catch (err) {
      if (err instanceof FilterSyntaxError) throw new InvalidField(query.fields.filter, err.message);
      throw err;
    }
    const order = (query.orderBy ?? []).map((term, i) => {
      try {
        return parseOrderTerm(term);
      } catch (err) {
        if (err instanceof FilterSyntaxError) throw new InvalidField(`${query.fields.orderBy}.${i}`, err.message);
        throw err;
      }
    });
    const projectIds = query.projectIds.map((id) => {
      try {
        return projectKey(id);
      } catch {
        throw new NotFound('project', id);
      }
    });
    const ids = await this.runs.searchIds(projectIds, query.view, filterSql(clauses), orderSql(order), offset, query.limit);
    const runs = await this.runs.many(ids.slice(0, query.limit));
    return { runs, next: ids.length > query.limit ? encodeCursor(String(offset + query.limit)) : null };
  }
}

function decodeWithField<T>(cursor: string | undefined, parse: (raw: string) => T | null, field: string): T | undefined {
  try {
    return decodeCursor(cursor, parse);
  } catch {
    throw new InvalidField(field, 'not a page token this endpoint returned');
  }
}
