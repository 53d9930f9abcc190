import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricValue, startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { bytes, eventually, sha256, upload } from './artifact-helpers.js';
import { createModel, createVersion } from './factories.js';

let t: TestApp;
let dir: string;
const blobPath = (sha: string) => join(dir, 'blobs', 'sha256', sha.slice(0, 2), sha);
const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelyard-gc-'));
  t = await startTestApp(buildRegistry, { ARTIFACT_DIR: dir });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('artifact garbage collection', () => {
  it('collects every other blob when one cannot be deleted: that one is logged, counted and kept for the next run', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    // Oldest first, so the one that fails comes first in the collection's order.
    const stuck = bytes(30_000);
    const freed = bytes(30_000);
    expect((await upload(t, m, v, 'stuck.bin', stuck)).status).toBe(201);
    expect((await upload(t, m, v, 'freed.bin', freed)).status).toBe(201);
    // The storage cannot delete the first blob: a directory now sits where its file was.
    await rm(blobPath(sha256(stuck)));
    await mkdir(blobPath(sha256(stuck)));
    await writeFile(join(blobPath(sha256(stuck)), 'in-the-way'), 'x');
    const failures = () => metricValue(t, 'ml_background_failures_total', { loop: 'artifact-gc', service: 'registry' });
    const before = await failures();

    expect((await t.request('DELETE', `/v1/models/${m}`)).status).toBe(204);
    await eventually(async () => !(await exists(blobPath(sha256(freed)))), 15_000, 'the other blob to be collected');
    await eventually(async () => (await failures()) >= before + 1, 5_000, 'the failure counted');
  });
});
