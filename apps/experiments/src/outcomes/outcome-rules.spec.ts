import type { FieldError } from '@modelyard/platform';
import type { AssignmentResponse } from '@modelyard/types';
import type { MetricKind } from '../experiments/experiment.js';
import { assignOutcomes, metricIssues, type OutcomeRow } from './outcome-rules.js';
import type { Outcome } from './outcomes.store.js';

const kinds = new Map<string, MetricKind>([
  ['conversion', 'binomial'],
  ['revenue', 'continuous'],
]);
const issue = (field: string, message: string): FieldError => ({ field, in: 'body', message });

describe('the metrics of a batch', () => {
  it.each<[string, OutcomeRow[], FieldError[]]>([
    ['exposures name no metric', [{ unit: 'u' }], []],
    [
      'a conversion of 1 or 0',
      [
        { unit: 'u', metric: 'conversion', value: 1 },
        { unit: 'v', metric: 'conversion', value: 0 },
      ],
      [],
    ],
    ['any continuous value', [{ unit: 'u', metric: 'revenue', value: -3.5 }], []],
    ['a conversion of 2', [{ unit: 'u', metric: 'conversion', value: 2 }], [issue('events.0.value', 'a binomial metric takes 0 or 1')]],
    [
      'a metric the experiment does not measure, by row',
      [
        { unit: 'u', metric: 'revenue', value: 1 },
        { unit: 'v', metric: 'constructor', value: 1 },
      ],
      [issue('events.1.metric', "'constructor' is not a metric of this experiment")],
    ],
  ])('%s', (_, rows, issues) => {
    expect(metricIssues('events', rows, kinds)).toEqual(issues);
  });
});

describe('a batch as outcomes of the assigned variants', () => {
  const assigned = new Map<string, AssignmentResponse>([
    ['in', { unit: 'in', variant: 'b', version: '1.0.1', inExperiment: true, sticky: true }],
    ['out', { unit: 'out', variant: null, version: null, inExperiment: false, sticky: false }],
  ]);
  const outcome = (metric: string, value: number, binary: boolean): Outcome => ({
    unit: 'in',
    variant: 'b',
    metric,
    value,
    binary,
  });

  it.each<[string, OutcomeRow[], Outcome[], number, FieldError[]]>([
    ['an exposure', [{ unit: 'in' }], [outcome('', 0, false)], 0, []],
    [
      'a conversion counts once per unit (binary)',
      [{ unit: 'in', metric: 'conversion', value: 1 }],
      [outcome('conversion', 1, true)],
      0,
      [],
    ],
    ['a continuous value', [{ unit: 'in', metric: 'revenue', value: 7 }], [outcome('revenue', 7, false)], 0, []],
    ['naming its own variant', [{ unit: 'in', variant: 'b' }], [outcome('', 0, false)], 0, []],
    [
      'a unit outside the experiment is ignored',
      [{ unit: 'out', metric: 'revenue', value: 7 }, { unit: 'in' }],
      [outcome('', 0, false)],
      1,
      [],
    ],
    [
      'naming another variant',
      [{ unit: 'in' }, { unit: 'in', variant: 'a' }],
      [outcome('', 0, false)],
      0,
      [issue('exposures.1.variant', "unit 'in' is assigned to 'b'")],
    ],
  ])('%s', (_, rows, outcomes, ignored, errors) => {
    expect(assignOutcomes('exposures', rows, assigned, kinds)).toEqual({ outcomes, ignored, errors });
  });
});
