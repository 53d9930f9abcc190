import { Inject, Injectable, Logger } from '@nestjs/common';
import { ExperimentsSource } from './experiments.source.js';
import { signature, type RunningExperiment } from './running-experiment.js';

/**
 * The running experiments of every model, as last listed by the experiments service (one call for
 * all models). The reconciler reads them from here rather than asking per model, so a registry
 * change is served as fast whether or not the experiments service answers.
 */
@Injectable()
export class RunningExperiments {
  private readonly logger = new Logger(RunningExperiments.name);
  private byModel: Map<string, RunningExperiment[]> | null = null;
  private failing = false;

  constructor(@Inject(ExperimentsSource) private readonly source: ExperimentsSource) {}

  /** The model's running experiments; undefined until they could be listed once. */
  forModel(model: string): readonly RunningExperiment[] | undefined {
    return this.byModel ? (this.byModel.get(model) ?? []) : undefined;
  }

  /** Lists them again; returns the models whose running experiments changed (null: the listing failed). */
  async refresh(): Promise<string[] | null> {
    let listed: RunningExperiment[];
    try {
      listed = await this.source.running();
    } catch (err) {
      if (!this.failing) this.logger.warn(`cannot list running experiments, keeping the known ones: ${String(err)}`);
      this.failing = true;
      return null;
    }
    if (this.failing) this.logger.log('running experiments listed again');
    this.failing = false;
    const next = new Map<string, RunningExperiment[]>();
    for (const e of listed) next.set(e.model, [...(next.get(e.model) ?? []), e]);
    const before = this.byModel;
    this.byModel = next;
    const models = new Set([...next.keys(), ...(before?.keys() ?? [])]);
    return [...models].filter((m) => !before || signature(before.get(m) ?? []) !== signature(next.get(m) ?? []));
  }
}
