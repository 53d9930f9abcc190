import type { UpdatePipelineBody } from '@modelyard/types';
import { pipelineFixture } from '../test/fixtures.js';
import type { Pipeline } from './pipeline.js';
import { changeIssues } from './pipeline-rules.js';

const periodic = pipelineFixture({ strategy: 'periodic', scheduleSeconds: 60 });
const adaptive = pipelineFixture({ strategy: 'adaptive', adaptive: { metric: 'accuracy', dropThreshold: 0.1 } });
const rmseDrop = { metric: 'rmse', dropThreshold: 1 } as const;
const small = pipelineFixture({ maxBuffer: 50 });
const fresh = pipelineFixture();
const gate = fresh.gate;

describe('pipeline change', () => {
  it.each<[string, Pipeline, UpdatePipelineBody, string[]]>([
    ['a size change', fresh, { batchSize: 5 }, []],
    ['to periodic without a schedule', fresh, { strategy: 'periodic' }, ['schedule']],
    ['to periodic with a schedule', fresh, { strategy: 'periodic', schedule: { everySeconds: 30 } }, []],
    ['removing the schedule of a periodic pipeline', periodic, { schedule: null }, ['schedule']],
    ['a periodic pipeline keeps its stored schedule', periodic, { batchSize: 7 }, []],
    ['to adaptive without its spec', fresh, { strategy: 'adaptive' }, ['adaptive']],
    ['removing the spec of an adaptive pipeline', adaptive, { adaptive: null }, ['adaptive']],
    ['a regression metric on a classifier', adaptive, { adaptive: rmseDrop }, ['adaptive.metric']],
    ['a gate metric that does not fit the learner', fresh, { gate: { ...gate, metric: 'mae' } }, ['gate.metric']],
    ['a buffer no larger than the hold-out', fresh, { maxBuffer: 20 }, ['maxBuffer']],
    ['a hold-out as large as the stored buffer', small, { gate: { ...gate, holdout: 50 } }, ['maxBuffer']],
  ])('%s', (_, current, body, fields) => {
    const issues = changeIssues(current, body);
    expect(issues.map((i) => i.field)).toEqual(fields);
    for (const i of issues) expect(i.in).toBe('body');
  });
});
