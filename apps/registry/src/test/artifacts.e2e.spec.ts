import { request } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { bytes, download, eventually, MiB, sha256, upload } from './artifact-helpers.js';
import { storageContract, type BlobAccess } from './artifact-contract.js';
import { createModel, createVersion, stagedVersion } from './factories.js';

let t: TestApp;
let dir: string;

const blobPath = (sha: string) => join(dir, 'blobs', 'sha256', sha.slice(0, 2), sha);
const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );
const filesUnder = async (sub: string) =>
  (await readdir(join(dir, sub), { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).length;

const fsBlobs: BlobAccess = {
  async corrupt(sha) {
    const data = await readFile(blobPath(sha));
    data[Math.floor(data.length / 2)]! ^= 0xff;
    await writeFile(blobPath(sha), data);
  },
  remove: (sha) => rm(blobPath(sha)),
  count: async () => ({ blobs: await filesUnder('blobs'), temps: await filesUnder('tmp') }),
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelyard-artifacts-'));
  t = await startTestApp(buildRegistry, {
    ARTIFACT_DIR: dir,
    ARTIFACT_MAX_BYTES: String(16 * MiB),
    ARTIFACT_VERIFY_BEFORE_SEND_BYTES: String(MiB),
  });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('filesystem backend', () => {
  storageContract(() => ({ t, blobs: fsBlobs }));
});

describe('artifact rules', () => {
  it("serves an uploaded page as an octet-stream attachment, never with the uploader's type", async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    const page = Buffer.from('<html><script>alert(document.cookie)</script></html>');
    const html = { 'x-artifact-content-type': 'text/html; charset=utf-8' };
    expect((await upload(t, m, v, 'report/index.html', page, html)).status).toBe(201);
    const path = `/v1/models/${m}/versions/${v}/artifacts/report/index.html`;
    for (const res of [await download(t, m, v, 'report/index.html'), await t.request('HEAD', path, { as: 'viewer' })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="index.html"');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await download(t, m, v, 'report/index.html')).body!.equals(page)).toBe(true);

    // A safe type is kept, and still saved rather than displayed.
    const json = { 'x-artifact-content-type': 'application/json' };
    await upload(t, m, v, 'metrics.json', Buffer.from('{"auc":0.9}'), json);
    const metrics = await download(t, m, v, 'metrics.json');
    expect(metrics.headers.get('content-type')).toBe('application/json');
    expect(metrics.headers.get('content-disposition')).toBe('attachment; filename="metrics.json"');
    expect(metrics.headers.get('x-content-type-options')).toBe('nosniff');

    // The manifest still tells what the uploader declared.
    const manifest = await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`, { as: 'viewer' });
    const items: Array<{ path: string; contentType: string }> = manifest.body.items;
    const declared = new Map(items.map((i) => [i.path, i.contentType]));
    expect(declared.get('report/index.html')).toBe('text/html; charset=utf-8');
  });

  it('serves byte ranges of a verified blob (206, suffix ranges, 416 past the end)', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    const data = bytes(3 * MiB);
    await upload(t, m, v, 'r.bin', data);
    const mid = await download(t, m, v, 'r.bin', { range: 'bytes=1048570-1048585' });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe(`bytes 1048570-1048585/${data.length}`);
    expect(mid.body!.equals(data.subarray(1048570, 1048586))).toBe(true);
    const tail = await download(t, m, v, 'r.bin', { range: 'bytes=-10' });
    expect(tail.body!.equals(data.subarray(data.length - 10))).toBe(true);
    const past = await download(t, m, v, 'r.bin', { range: `bytes=${data.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${data.length}`);
    const cached = await download(t, m, v, 'r.bin', { 'if-none-match': `"${sha256(data)}"` });
    expect(cached.status).toBe(304);
  });

  it('keeps artifacts immutable once the version leaves draft (409)', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    await upload(t, m, v, 'model.bin', bytes(10));
    await t.request('POST', `/v1/models/${m}/versions/${v}/transitions`, { body: { to: 'testing' } });
    const res = await upload(t, m, v, 'model.bin', bytes(10));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'artifacts_immutable', stage: 'testing' });
    const manifest = await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`);
    expect(manifest.body).toMatchObject({ immutable: true, stage: 'testing' });
    expect(manifest.body.items).toHaveLength(1);
  });

  it('replaces a draft file at the same path, the manifest pointing at the new content', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    await upload(t, m, v, 'cfg.json', Buffer.from('{"a":1}'));
    const second = Buffer.from('{"a":2}');
    expect((await upload(t, m, v, 'cfg.json', second)).status).toBe(201);
    const manifest = await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`);
    expect(manifest.body.items).toEqual([expect.objectContaining({ path: 'cfg.json', sha256: sha256(second), size: 7 })]);
  });

  it('answers 4xx, never 5xx, to bad uploads, naming the field', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    const before = await fsBlobs.count();
    const traversal = await upload(t, m, v, '..%2F..%2Fetc%2Fpasswd', bytes(10));
    expect(traversal.status).toBe(400);
    expect(traversal.body.errors[0]).toMatchObject({ field: 'path', in: 'params' });
    const badHash = await upload(t, m, v, 'x.bin', bytes(10), { 'x-content-sha256': 'abc' });
    expect(badHash.status).toBe(400);
    expect(badHash.body.errors[0]).toMatchObject({ field: 'x-content-sha256', in: 'headers' });
    const json = await t.request('PUT', `/v1/models/${m}/versions/${v}/artifacts/x.bin`, { body: { a: 1 } });
    expect(json.status).toBe(415);
    const tooBig = await upload(t, m, v, 'big.bin', bytes(17 * MiB));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('payload_too_large');
    expect((await t.request('GET', `/v1/models/${m}/versions/9.9.9/artifacts`)).status).toBe(404);
    expect((await download(t, m, v, 'nothing-here.bin')).status).toBe(404);
    expect(await fsBlobs.count()).toEqual(before);
  });

  it('needs write scope to upload and read scope to download', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    expect((await upload(t, m, v, 'a.bin', bytes(10), {}, 'viewer')).status).toBe(403);
    const anonymous = await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts/a.bin`, { as: null });
    expect(anonymous.status).toBe(401);
  });

  it('collects blobs that retention released, never one another version still uses', async () => {
    const m = await createModel(t);
    const shared = bytes(50_000);
    const onlyOld = bytes(60_000);
    const old = await stagedVersion(t, m);
    // Uploads need a draft; stage after uploading instead.
    const v1 = await createVersion(t, m);
    await upload(t, m, v1, 'shared.bin', shared);
    await upload(t, m, v1, 'old.bin', onlyOld);
    const v2 = await createVersion(t, m);
    await upload(t, m, v2, 'shared.bin', shared);
    const res = await t.request('POST', `/v1/models/${m}/retention`, { body: { keepLatest: 1 } });
    expect(res.status).toBe(200);
    expect(res.body.archived.sort()).toEqual([old, v1].sort());

    await eventually(async () => !(await exists(blobPath(sha256(onlyOld)))), 15_000, 'the released blob to be collected');
    expect(await exists(blobPath(sha256(shared)))).toBe(true);
    expect((await download(t, m, v2, 'shared.bin')).body!.equals(shared)).toBe(true);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v1}/artifacts`)).body.items).toEqual([]);
  });

  it('keeps nothing of an upload the client abandons halfway', async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    const before = await fsBlobs.count();
    const req = request(`${t.url}/v1/models/${m}/versions/${v}/artifacts/half.bin`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${tokenFor('editor')}`,
        'content-type': 'application/octet-stream',
        'content-length': String(8 * MiB),
      },
    });
    req.on('error', () => undefined);
    req.write(bytes(2 * MiB));
    await eventually(async () => (await fsBlobs.count()).temps === 1, 5_000, 'the upload to start');
    req.destroy();
    await eventually(async () => (await fsBlobs.count()).temps === 0, 5_000, 'the temporary file to go');
    expect(await fsBlobs.count()).toEqual(before);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`)).body.items).toEqual([]);
  });

  it("collects a deleted model's blobs, and temporary files a crash left behind a day ago", async () => {
    const m = await createModel(t);
    const v = await createVersion(t, m);
    const data = bytes(40_000);
    await upload(t, m, v, 'only-here.bin', data);
    await mkdir(join(dir, 'tmp'), { recursive: true });
    const stale = join(dir, 'tmp', 'stale-upload');
    const fresh = join(dir, 'tmp', 'upload-in-progress');
    await writeFile(stale, 'x');
    await writeFile(fresh, 'y');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(stale, twoDaysAgo, twoDaysAgo);

    expect((await t.request('DELETE', `/v1/models/${m}`)).status).toBe(204);
    await eventually(async () => !(await exists(blobPath(sha256(data)))), 15_000, "the deleted model's blob to be collected");
    await eventually(async () => !(await exists(stale)), 5_000, 'the stale temporary file to go');
    expect(await exists(fresh)).toBe(true);
    await rm(fresh);
  });

  it('documents the upload in OpenAPI: a streamed body and its headers', async () => {
    const doc = (await t.request('GET', '/openapi.json', { as: null })).body;
    const put = doc.paths['/v1/models/{name}/versions/{version}/artifacts/{path}'].put;
    expect(Object.keys(put.requestBody.content)).toEqual(['application/octet-stream']);
    expect(put.parameters.filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name)).toContain(
      'x-content-sha256',
    );
    expect(put['x-required-scope']).toBe('write');
  });

  it('reports storage with free space in /health/ready', async () => {
    const ready = await t.request('GET', '/health/ready', { as: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info.storage).toMatchObject({ status: 'up', backend: 'filesystem' });
    expect(ready.body.info.storage.freeBytes).toBeGreaterThan(0);
  });
});

describe('readiness with too little disk', () => {
  it('fails /health/ready when free space is below ARTIFACT_MIN_FREE_BYTES', async () => {
    const low = await startTestApp(buildRegistry, { ARTIFACT_DIR: dir, ARTIFACT_MIN_FREE_BYTES: String(Number.MAX_SAFE_INTEGER) });
    try {
      const ready = await low.request('GET', '/health/ready', { as: null });
      expect(ready.status).toBe(503);
      expect(ready.body.error.storage.status).toBe('down');
    } finally {
      await low.close();
    }
  });
});
