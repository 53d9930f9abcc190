import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import mlflowModule from 'mlflow';
import { buildRegistry } from '../config.js';
import { uniqueName } from './factories.js';

// The registry driven by a JavaScript MLflow client from npm (`mlflow` 2.0.7), as a team's Node
// training code would: the client builds the URLs and bodies, not this test.

let t: TestApp;
// The package's index sets module.exports to the class, while its typings describe a `default` export.
const MLflow = mlflowModule as unknown as typeof mlflowModule.default;
let client: InstanceType<typeof MLflow>;
// The client prints every body it posts; its output is silenced for the file.
const log = console.log;
beforeAll(async () => {
  console.log = () => undefined;
  t = await startTestApp(buildRegistry);
  const key = (await t.request('POST', '/v1/api-keys', { body: { name: 'js-client', roles: ['editor'] } })).body.key as string;
  client = new MLflow({ endpoint: t.url, headers: { authorization: `Bearer ${key}` } });
});
afterAll(async () => {
  console.log = log;
  await t.close();
});

/** The client's typings mark optional request fields as required; leaving them out is what MLflow allows. */
const named = (name: string) => ({ name }) as { name: string; artifact_location: string };

/** The status and MLflow error body the client puts into its error message. */
function failure(err: unknown): { status: number; data: { error_code: string } } {
  const message = (err as Error).message.replace(/^Error: /, '');
  return JSON.parse(message) as { status: number; data: { error_code: string } };
}

describe('a JavaScript MLflow client', () => {
  it('creates an experiment and a run, logs params and metrics, ends the run and reads it back', async () => {
    const name = uniqueName('js');
    const { experiment_id } = await client.Experiments.create(named(name));
    expect((await client.Experiments.get({ experiment_id })).experiment).toMatchObject({ experiment_id, name, lifecycle_stage: 'active' });

    const { run } = await client.Runs.create({
      experiment_id,
      user_id: 'node',
      start_time: 1733000000000,
      tags: [{ key: 'lang', value: 'js' }],
    });
    const run_id: string = run.info.run_id;
    expect(run.info).toMatchObject({ run_uuid: run_id, experiment_id, user_id: 'node', status: 'RUNNING', start_time: 1733000000000 });

    expect(await client.Runs.logParameter({ run_id, key: 'depth', value: '6' })).toEqual({});
    for (const [step, value] of [0.8, 0.81, 0.82].entries()) {
      expect(await client.Runs.logMetric({ run_id, key: 'auc', value, timestamp: 1733000001000 + step, step })).toEqual({});
    }
    await client.Runs.logBatch({ run_id, metrics: [{ key: 'loss', value: 0.3, timestamp: 1733000002000, step: 0 }], params: [], tags: [] });
    await client.Runs.setTag({ run_id, key: 'team', value: 'growth' });
    const ended = await client.Runs.update({ run_id, status: 'FINISHED' as never, end_time: 1733000009000 });
    expect(ended.run_info).toMatchObject({ run_id, status: 'FINISHED' as never, end_time: 1733000009000 });

    const history = await client.Metrics.getHistory({ run_id, metric_key: 'auc' });
    expect(history.metrics).toEqual([
      { key: 'auc', value: 0.8, timestamp: 1733000001000, step: 0 },
      { key: 'auc', value: 0.81, timestamp: 1733000001001, step: 1 },
      { key: 'auc', value: 0.82, timestamp: 1733000001002, step: 2 },
    ]);
    const found = await client.Runs.search({ experiment_ids: [experiment_id], filter: "metrics.auc > 0.815 and tags.team = 'growth'" });
    expect(found.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([run_id]);
    const got = (await client.Runs.get({ run_id })).run;
    expect(got.data.params).toEqual([{ key: 'depth', value: '6' }]);
    expect(got.data.metrics).toEqual([
      { key: 'auc', value: 0.82, timestamp: 1733000001002, step: 2 },
      { key: 'loss', value: 0.3, timestamp: 1733000002000, step: 0 },
    ]);
    expect(await client.Artifacts.list({ run_id, path: '' })).toEqual({
      root_uri: `mlflow-artifacts:/${experiment_id}/${run_id}/artifacts`,
    });
  });

  it("gets MLflow's error codes: a changed param, an unknown run, and the removed experiments/list", async () => {
    const { experiment_id } = await client.Experiments.create(named(uniqueName('js')));
    const run_id: string = (await client.Runs.create({ experiment_id, user_id: 'node', start_time: 1 })).run.info.run_id;
    await client.Runs.logParameter({ run_id, key: 'lr', value: '0.1' });
    const changed = await client.Runs.logParameter({ run_id, key: 'lr', value: '0.2' }).catch(failure);
    expect(changed).toMatchObject({ status: 400, data: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const unknown = await client.Runs.get({ run_id: 'f'.repeat(32) }).catch(failure);
    expect(unknown).toMatchObject({ status: 404, data: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    // experiments/list left MLflow's API in 2.0 (experiments/search replaced it).
    const listed = await client.Experiments.list().catch(failure);
    expect(listed).toMatchObject({ status: 404, data: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });
});
