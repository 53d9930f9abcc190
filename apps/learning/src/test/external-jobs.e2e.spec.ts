import { tokenFor } from '@modelyard/platform/testing';
import { ConflictError, Modelyard, type SampleInput } from '@modelyard/sdk';
import { createModel, feed, pipelineBody, rows, startHarness, type Harness, type Row } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Job = any;

const jobs = (p: string) => `/v1/pipelines/${p}/jobs`;

/** An external pipeline whose first job covers `count` samples (the last `holdout` held out). */
async function externalWithJob(name: string, data: Row[], extra: Record<string, unknown> = {}) {
  await createModel(h.registry, `${name}-model`);
  const body = pipelineBody(name, `${name}-model`, { learner: { type: 'external' }, batchSize: 100, ...extra });
  const created = await h.learning.request('POST', '/v1/pipelines', { body });
  if (created.status !== 201) throw new Error(`pipeline ${name}: ${created.status} ${created.text}`);
  await feed(h.learning, name, data);
}

/** Claims until a job is leased (the offer follows the samples through a queue job); fails after the deadline. */
async function claimWhenOffered(pipeline: string, body: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.learning.request('POST', `${jobs(pipeline)}/claim`, { as: 'editor', body });
    if (res.status === 200) return res.body;
    expect(res.status).toBe(204);
    if (Date.now() > deadline) throw new Error(`${pipeline}: no job offered within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A streamed answer as text (the test app's helper would parse NDJSON as one JSON document). */
async function download(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.learning.url}${path}`, { headers: { authorization: `Bearer ${tokenFor('editor')}`, ...headers } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Polls until Postgres' view of the job says its lease has run out (the condition, not a fixed sleep). */
async function untilLeaseExpired(pipeline: string, job: Job, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.learning.request('GET', `${jobs(pipeline)}/${job.id}`, { as: 'editor' });
    if (Date.parse(res.body.leaseExpiresAt) < Date.now() - 50) return;
    if (Date.now() > deadline) throw new Error('the lease never expired');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('claims', () => {
  it('N parallel claims: exactly one worker gets the job; after lease expiry exactly one re-leases it', async () => {
    await externalWithJob('ext-race', rows(21, 400));
    // Wait for the offer without taking it: a probing claim would lease it.
    const first = await claimWhenOffered('ext-race', { worker: 'probe', leaseSeconds: 1 });
    await untilLeaseExpired('ext-race', first);

    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.learning.request('POST', `${jobs('ext-race')}/claim`, { as: 'editor', body: { worker: `w${i}`, leaseSeconds: 60 } }),
      ),
    );
    const winners = burst.filter((r) => r.status === 200);
    expect(burst.filter((r) => r.status === 204)).toHaveLength(7);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.body).toMatchObject({ id: first.id, attempts: 2, status: 'leased' });
    expect(winners[0]!.body.leaseToken).not.toBe(first.leaseToken);

    // Held by the winner: nobody else gets it, and the first lease is refused.
    const again = await Promise.all(
      Array.from({ length: 4 }, () => h.learning.request('POST', `${jobs('ext-race')}/claim`, { as: 'editor' })),
    );
    expect(again.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    const stale = await h.learning.request('POST', `${jobs('ext-race')}/${first.id}/heartbeat`, {
      as: 'editor',
      body: { leaseToken: first.leaseToken },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'conflict', lease: 'foreign_lease', jobId: first.id });
  });

  it('heartbeats extend the lease; an expired lease cannot complete (409 lease_expired)', async () => {
    await externalWithJob('ext-lease', rows(22, 400));
    const job = await claimWhenOffered('ext-lease', { leaseSeconds: 30 });
    const beat = await h.learning.request('POST', `${jobs('ext-lease')}/${job.id}/heartbeat`, {
      as: 'editor',
      body: { leaseToken: job.leaseToken, leaseSeconds: 1 },
    });
    expect(beat.status).toBe(200);
    expect(beat.body.leaseToken).toBeUndefined();
    expect(Date.parse(beat.body.leaseExpiresAt)).toBeLessThan(Date.parse(job.leaseExpiresAt));
    await untilLeaseExpired('ext-lease', beat.body);
    const late = await h.learning.request('POST', `${jobs('ext-lease')}/${job.id}/complete`, {
      as: 'editor',
      body: { leaseToken: job.leaseToken, version: '0.1.0', metrics: { accuracy: 0.9 } },
    });
    expect(late.status).toBe(409);
    expect(late.body.lease).toBe('lease_expired');
    expect(
      (await h.learning.request('POST', `${jobs('ext-lease')}/${job.id}/heartbeat`, { as: 'editor', body: { leaseToken: job.leaseToken } }))
        .body.lease,
    ).toBe('lease_expired');
  });
});

describe('samples', () => {
  it('streams the window as NDJSON or CSV (Accept or ?format=), split into train and holdout', async () => {
    const data = rows(23, 300);
    data[3]!.f1 = -0.5;
    await externalWithJob('ext-samples', data, {
      batchSize: 250,
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 0, holdout: 50 },
    });
    const job = await claimWhenOffered('ext-samples');
    expect(job).toMatchObject({
      samples: { from: 0, to: 300 },
      train: { from: 0, to: 250, count: 250 },
      holdout: { from: 250, to: 300, count: 50 },
    });

    const ndjson = await download(`${jobs('ext-samples')}/${job.id}/samples`);
    expect(ndjson.status).toBe(200);
    expect(ndjson.contentType).toMatch(/^application\/x-ndjson/);
    expect(
      ndjson.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Row),
    ).toEqual(data);

    const csv = await download(`${jobs('ext-samples')}/${job.id}/samples?part=holdout`, { accept: 'text/csv' });
    expect(csv.contentType).toMatch(/^text\/csv/);
    const [header, ...lines] = csv.text.trimEnd().split('\n');
    expect(header).toBe('f0,f1,f2,f3,f4,label');
    expect(lines).toHaveLength(50);
    expect(lines[0]).toBe(['f0', 'f1', 'f2', 'f3', 'f4', 'label'].map((c) => String(data[250]![c])).join(','));

    const train = await download(`${jobs('ext-samples')}/${job.id}/samples?part=train&format=csv`);
    expect(train.text.trimEnd().split('\n')).toHaveLength(251);
  });

  it('answers 409 problem+json when the window was dropped from a full buffer, before any byte is streamed', async () => {
    await externalWithJob('ext-dropped', rows(24, 150), {
      maxBuffer: 300,
      gate: { metric: 'accuracy', direction: 'higher', tolerance: 0, holdout: 50 },
    });
    const job = await claimWhenOffered('ext-dropped');
    await feed(h.learning, 'ext-dropped', rows(25, 250));
    const res = await h.learning.request('GET', `${jobs('ext-dropped')}/${job.id}/samples`, { as: 'editor' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toMatch(/no longer buffered/);
  });
});

describe('fail and retry', () => {
  it('fail releases the samples into a new job; the failed lease is spent', async () => {
    await externalWithJob('ext-retry', rows(26, 400));
    const job = await claimWhenOffered('ext-retry');
    const failed = await h.learning.request('POST', `${jobs('ext-retry')}/${job.id}/fail`, {
      as: 'editor',
      body: { leaseToken: job.leaseToken, reason: 'CUDA out of memory' },
    });
    expect(failed.status).toBe(200);
    expect(failed.body.job).toMatchObject({ id: job.id, status: 'failed', outcome: 'failed', detail: 'CUDA out of memory' });
    const retry = await claimWhenOffered('ext-retry');
    expect(retry).toMatchObject({ id: failed.body.retryJobId, attempts: 1, samples: job.samples, holdout: job.holdout });
    const again = await h.learning.request('POST', `${jobs('ext-retry')}/${job.id}/fail`, {
      as: 'editor',
      body: { leaseToken: job.leaseToken, reason: 'twice' },
    });
    expect(again.status).toBe(409);
    expect(again.body.lease).toBe('not_leased');
    const history = await h.learning.request('GET', '/v1/pipelines/ext-retry/history');
    expect(history.body.items).toEqual([expect.objectContaining({ outcome: 'failed', detail: 'external worker: CUDA out of memory' })]);
  });
});

describe('gate on completion', () => {
  it('refuses a version worse than production on the held-out samples: marked failed, samples consumed', async () => {
    await externalWithJob('ext-gate', rows(27, 400));
    const job = await claimWhenOffered('ext-gate');
    const model = 'ext-gate-model';
    // Production, as a person promoted it: a version the service cannot load (so the worker's production metric counts).
    for (const v of ['1.0.0', '1.1.0']) {
      expect((await h.registry.request('POST', `/v1/models/${model}/versions`, { body: { version: v } })).status).toBe(201);
      const put = await h.registry.request('PUT', `/v1/models/${model}/versions/${v}/artifacts/model.onnx`, {
        raw: Buffer.from(`onnx bytes ${v}`),
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(put.status).toBe(201);
    }
    for (const stage of ['staging', 'production']) {
      const moved = await h.registry.request(
        'POST',
        `/v1/models/${model}/versions/1.0.0/${stage === 'production' ? 'promote' : 'transitions'}`,
        {
          body: stage === 'production' ? {} : { to: stage },
        },
      );
      expect(moved.status).toBe(200);
    }
    const complete = (body: Record<string, unknown>) =>
      h.learning.request('POST', `${jobs('ext-gate')}/${job.id}/complete`, {
        as: 'editor',
        body: { leaseToken: job.leaseToken, version: '1.1.0', ...body },
      });
    const res = await complete({ metrics: { accuracy: 0.7 }, productionMetrics: { accuracy: 0.8 } });
    expect(res.status).toBe(200);
    expect(res.body.update).toMatchObject({
      outcome: 'rejected',
      samples: 100,
      gate: { passed: false, candidate: 0.7, production: 0.8, productionVersion: '1.0.0' },
    });
    expect((await h.registry.request('GET', `/v1/models/${model}/versions/1.1.0`)).body.stage).toBe('failed');
    // The answer is repeated to a retry with the same lease (its first answer may have been lost).
    const replay = await complete({ metrics: { accuracy: 0.7 }, productionMetrics: { accuracy: 0.8 } });
    expect(replay.status).toBe(200);
    expect(replay.body.update.id).toBe(res.body.update.id);
    const status = await h.learning.request('GET', '/v1/pipelines/ext-gate/status');
    // The 100 trained samples are consumed with the refused version; the 200 held out and 100 newer stay.
    expect(status.body).toMatchObject({ bufferSize: 300, samplesSeen: 0, currentVersion: null });
  });
});

describe('bad input and auth', () => {
  it('answers problem+json 4xx naming the field', async () => {
    await externalWithJob('ext-bad', rows(28, 400));
    const job = await claimWhenOffered('ext-bad');
    const base = `${jobs('ext-bad')}/${job.id}`;
    const cases: [string, string, unknown, string][] = [
      ['POST', `${jobs('ext-bad')}/claim`, { leaseSeconds: 0 }, 'leaseSeconds'],
      ['POST', `${jobs('ext-bad')}/claim`, { worker: 'a b' }, 'worker'],
      ['POST', `${jobs('ext-bad')}/claim`, { lease: 5 }, 'lease'],
      ['POST', `${base}/heartbeat`, {}, 'leaseToken'],
      ['POST', `${base}/complete`, { leaseToken: job.leaseToken, version: 'latest', metrics: { accuracy: 1 } }, 'version'],
      ['POST', `${base}/complete`, { leaseToken: job.leaseToken, version: '1.0.0', metrics: { f1: 1 } }, 'metrics.f1'],
      ['POST', `${base}/complete`, { leaseToken: job.leaseToken, version: '1.0.0', metrics: { log_loss: 0.3 } }, 'metrics.accuracy'],
      ['POST', `${base}/complete`, { leaseToken: job.leaseToken, version: '9.9.9', metrics: { accuracy: 0.9 } }, 'version'],
      ['POST', `${base}/fail`, { leaseToken: job.leaseToken, reason: '' }, 'reason'],
      ['GET', `${base}/samples?format=xml`, undefined, 'format'],
      ['GET', `${base}/samples?part=middle`, undefined, 'part'],
      ['GET', `${jobs('ext-bad')}/not-a-uuid`, undefined, 'jobId'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await h.learning.request(method, path, { as: 'editor', ...(body === undefined ? {} : { body }) });
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect([path, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([path, expect.arrayContaining([field])]);
    }
    const unknown = await h.learning.request('GET', `${jobs('ext-bad')}/00000000-0000-4000-8000-000000000000`, { as: 'editor' });
    expect(unknown.status).toBe(404);

    const adaptive = pipelineBody('ext-adaptive', 'ext-bad-model', {
      learner: { type: 'external' },
      strategy: 'adaptive',
      adaptive: { metric: 'accuracy', dropThreshold: 0.05 },
    });
    const refused = await h.learning.request('POST', '/v1/pipelines', { body: adaptive });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['strategy']);
    const badTask = await h.learning.request('POST', '/v1/pipelines', {
      body: pipelineBody('ext-task', 'ext-bad-model', { learner: { type: 'external', task: 'ranking' } }),
    });
    expect(badTask.status).toBe(400);
    expect(badTask.body.errors.map((e: { field: string }) => e.field)).toEqual(['learner.task']);
  });

  it('a built-in pipeline has no jobs (409); 401 without a credential, 403 below editor', async () => {
    await createModel(h.registry, 'builtin-model');
    expect((await h.learning.request('POST', '/v1/pipelines', { body: pipelineBody('builtin-p', 'builtin-model') })).status).toBe(201);
    const builtin = await h.learning.request('POST', `${jobs('builtin-p')}/claim`, { as: 'editor' });
    expect(builtin.status).toBe(409);
    expect(builtin.body.detail).toMatch(/trains in-process/);

    await externalWithJob('ext-auth', rows(29, 400));
    const job = await claimWhenOffered('ext-auth');
    const routes: [string, string][] = [
      ['POST', `${jobs('ext-auth')}/claim`],
      ['GET', `${jobs('ext-auth')}/${job.id}`],
      ['POST', `${jobs('ext-auth')}/${job.id}/heartbeat`],
      ['GET', `${jobs('ext-auth')}/${job.id}/samples`],
      ['POST', `${jobs('ext-auth')}/${job.id}/complete`],
      ['POST', `${jobs('ext-auth')}/${job.id}/fail`],
    ];
    for (const [method, path] of routes) {
      expect([path, (await h.learning.request(method, path, { as: null })).status]).toEqual([path, 401]);
      expect([path, (await h.learning.request(method, path, { as: 'viewer' })).status]).toEqual([path, 403]);
    }
    const heartbeat = await h.learning.request('POST', `${jobs('ext-auth')}/${job.id}/heartbeat`, {
      as: 'editor',
      body: { leaseToken: job.leaseToken },
    });
    expect(heartbeat.status).toBe(200);
  });
});

describe("the SDK's jobs client", () => {
  it('claims, streams the samples row by row, heartbeats and completes; a lost lease is a ConflictError', async () => {
    const data = rows(30, 400);
    await externalWithJob('ext-sdk', data);
    const my = new Modelyard({ urls: { learning: h.learning.url, registry: h.registry.url }, token: tokenFor('editor') });
    const deadline = Date.now() + 30_000;
    let job = await my.learning.jobs.claim('ext-sdk', { worker: 'sdk', leaseSeconds: 60 });
    while (!job && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      job = await my.learning.jobs.claim('ext-sdk', { worker: 'sdk', leaseSeconds: 60 });
    }
    if (!job?.leaseToken) throw new Error('no job offered');
    const train: SampleInput[] = [];
    for await (const row of my.learning.jobs.samples('ext-sdk', job.id, 'train')) train.push(row);
    expect(train).toEqual(data.slice(0, 100));
    expect((await my.learning.jobs.heartbeat('ext-sdk', job.id, job.leaseToken)).status).toBe('leased');

    await h.registry.request('POST', '/v1/models/ext-sdk-model/versions', { body: { version: '3.0.0' } });
    await h.registry.request('PUT', '/v1/models/ext-sdk-model/versions/3.0.0/artifacts/model.onnx', {
      raw: Buffer.from('onnx'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    const done = await my.learning.jobs.complete('ext-sdk', job.id, {
      leaseToken: job.leaseToken,
      version: '3.0.0',
      metrics: { accuracy: 0.8 },
    });
    expect(done.update).toMatchObject({ outcome: 'registered', version: '3.0.0', samples: 100 });
    expect(done.job.status).toBe('completed');
    const late = await my.learning.jobs.fail('ext-sdk', job.id, 'an-old-lease-token-0000', 'too late').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ConflictError);
    expect((late as ConflictError).status).toBe(409);
  });
});
