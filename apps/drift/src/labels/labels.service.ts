import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed, type FieldError } from '@modelyard/platform';
import type { LabelsBody, LabelsResponse } from '@modelyard/types';
import { DriftMetrics } from '../drift.metrics.js';
import { MonitorsRepository } from '../monitors/monitors.repository.js';
import { checkKind } from '../records/records.columns.js';
import { LabelIndex } from './label-index.js';

/** Errors are capped so a wholly wrong 10,000-label batch gets a readable answer. */
const MAX_ERRORS = 100;

/**
 * POST /v1/monitors/:id/labels: labels for records sent earlier, joined by record id. The whole
 * batch is checked against the monitor's label column first (400 naming `labels.<i>.label`); then
 * every label is joined or counted, never refused: one that finds no record within the horizon is
 * `unmatched`. Labels are stored as the window stores categories (String of the value) or numbers.
 */
@Injectable()
export class LabelsService {
  constructor(
    @Inject(MonitorsRepository) private readonly monitors: MonitorsRepository,
    @Inject(LabelIndex) private readonly index: LabelIndex,
    @Inject(DriftMetrics) private readonly metrics: DriftMetrics,
  ) {}

  async join(monitorId: string, body: LabelsBody): Promise<LabelsResponse> {
    const monitor = await this.monitors.get(monitorId);
    const spec = monitor.label;
    if (!spec) throw new ValidationFailed([{ field: 'labels', in: 'body', message: 'this monitor has no label column' }]);
    const errors: FieldError[] = [];
    body.labels.forEach((l, i) => {
      const problem = errors.length < MAX_ERRORS ? checkKind(spec.kind, l.label) : null;
      if (problem) errors.push({ field: `labels.${i}.label`, in: 'body', message: problem });
    });
    if (errors.length) throw new ValidationFailed(errors);

    const encoded = body.labels.map((l) => ({ id: l.id, label: String(l.label) }));
    const counts = await this.index.join(monitor.id, encoded, Date.now(), monitor.labelHorizonSeconds * 1000);
    for (const outcome of ['matched', 'replaced', 'unchanged', 'unmatched'] as const) {
      if (counts[outcome]) this.metrics.labels.inc({ outcome }, counts[outcome]);
    }
    return { received: body.labels.length, ...counts };
  }
}
