import { Inject, Injectable } from '@nestjs/common';
import { NotFound } from '@modelyard/platform';
import type { DistributionResponse } from '@modelyard/types';
import { layoutOf } from '../monitors/monitors.mapper.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { ReferenceRepository } from '../reference/reference.repository.js';
import { decodeChunks, PREDICTION } from '../window/window.codec.js';
import { WindowStore } from '../window/window.store.js';
import { distributionOf } from './distributions.js';

/** What the console overlays for a feature: its reference next to the current window. */
@Injectable()
export class DistributionsService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(ReferenceRepository) private readonly references: ReferenceRepository,
    @Inject(WindowStore) private readonly window: WindowStore,
  ) {}

  /** A feature of the monitor, or its prediction column by the prediction's name. */
  async of(monitorId: string, feature: string): Promise<DistributionResponse> {
    const monitor = await this.monitors.get(monitorId);
    const spec = monitor.features.find((f) => f.name === feature);
    const isPrediction = !spec && monitor.prediction?.name === feature;
    if (!spec && !isPrediction) throw new NotFound('feature', feature);
    const column = isPrediction ? PREDICTION : feature;
    const kind = spec?.kind ?? monitor.prediction!.kind;
    const [reference, { chunks }] = await Promise.all([
      this.references.load(monitor.id, monitor.referenceVersion),
      this.window.read(monitor.id),
    ]);
    const current = decodeChunks(layoutOf(monitor), chunks, monitor.windowSize).values.get(column);
    return { feature, kind, ...distributionOf(reference.get(column), current) };
  }
}
