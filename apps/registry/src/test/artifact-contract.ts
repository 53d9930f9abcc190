import type { TestApp } from '@modelyard/platform/testing';
import { bytes, download, eventually, MiB, sha256, upload } from './artifact-helpers.js';
import { createModel, createVersion } from './factories.js';

/** Behind-the-service's-back access to a backend's stored objects. */
export interface BlobAccess {
  corrupt(sha: string): Promise<void>;
  remove(sha: string): Promise<void>;
  /** Stored blobs and leftover temporary objects. */
  count(): Promise<{ blobs: number; temps: number }>;
}

/**
 * What every storage backend must do, run against each one by its own e2e file. Files above
 * ARTIFACT_VERIFY_BEFORE_SEND_BYTES (1 MiB in these apps) take the streaming verification path.
 */
export function storageContract(ctx: () => { t: TestApp; blobs: BlobAccess }) {
  const setup = async () => {
    const { t, blobs } = ctx();
    const m = await createModel(t);
    return { t, blobs, m, v: await createVersion(t, m) };
  };
  const integrityFailures = async (t: TestApp) => {
    const text = (await t.request('GET', '/metrics', { as: null })).text;
    return [...text.matchAll(/^ml_artifact_integrity_failures_total\{[^}]*\} (\d+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
  };

  it.each([
    ['small, verified before sending', 200 * 1024],
    ['large, verified while streaming (multipart on S3)', 12 * MiB + 3],
  ])('round-trips a %s file byte for byte, with its hash in the manifest, HEAD and ETag', async (_, size) => {
    const { t, m, v } = await setup();
    const data = bytes(size);
    const put = await upload(t, m, v, 'weights/model.bin', data, {
      'x-content-sha256': sha256(data),
      'x-artifact-content-type': 'application/x-model',
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      path: 'weights/model.bin',
      size,
      sha256: sha256(data),
      contentType: 'application/x-model',
      deduplicated: false,
    });

    const got = await download(t, m, v, 'weights/model.bin');
    expect(got.status).toBe(200);
    expect(got.body!.equals(data)).toBe(true);
    expect(got.headers.get('etag')).toBe(`"${sha256(data)}"`);
    // Not a type on the safe list: served as bytes to save, whatever the uploader said.
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="model.bin"');

    const head = await t.request('HEAD', `/v1/models/${m}/versions/${v}/artifacts/weights/model.bin`, { as: 'viewer' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect(head.headers.get('x-content-sha256')).toBe(sha256(data));
    expect(head.text).toBe('');

    const manifest = await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`, { as: 'viewer' });
    expect(manifest.body).toMatchObject({
      totalSize: size,
      immutable: false,
      items: [{ path: 'weights/model.bin', size, sha256: sha256(data) }],
    });
  });

  it('stores identical content once, whichever version uploads it', async () => {
    const { t, blobs, m, v } = await setup();
    const data = bytes(64 * 1024);
    const before = await blobs.count();
    expect((await upload(t, m, v, 'a.bin', data)).body.deduplicated).toBe(false);
    const v2 = await createVersion(t, m);
    const again = await upload(t, m, v2, 'copy/of/a.bin', data);
    expect(again.status).toBe(201);
    expect(again.body.deduplicated).toBe(true);
    expect(await blobs.count()).toEqual({ blobs: before.blobs + 1, temps: 0 });
    expect((await download(t, m, v2, 'copy/of/a.bin')).body!.equals(data)).toBe(true);
  });

  it('answers 422 to a body that does not match X-Content-SHA256 and keeps nothing', async () => {
    const { t, blobs, m, v } = await setup();
    const before = await blobs.count();
    const data = bytes(300 * 1024);
    const res = await upload(t, m, v, 'bad.bin', data, { 'x-content-sha256': sha256(bytes(10)) });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'checksum_mismatch', actualSha256: sha256(data) });
    expect(await blobs.count()).toEqual(before);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}/artifacts`)).body.items).toEqual([]);
  });

  it.each([
    ['small', 100 * 1024],
    ['large', 3 * MiB],
  ])('never serves a %s blob altered behind its back as a complete download; verify reports it', async (_, size) => {
    const { t, blobs, m, v } = await setup();
    const data = bytes(size);
    await upload(t, m, v, 'model.onnx', data);
    const failuresBefore = await integrityFailures(t);
    await blobs.corrupt(sha256(data));

    const got = await download(t, m, v, 'model.onnx');
    const complete = got.status === 200 && got.body !== null && got.body.length === size;
    expect(complete).toBe(false);
    if (size <= MiB) expect(got.status).toBe(500);
    else expect(got.error ?? got.body!.length < size).toBeTruthy();

    await eventually(
      async () => Boolean((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.integrityFailedAt),
      5_000,
      'the version flag',
    );
    expect(await integrityFailures(t)).toBeGreaterThan(failuresBefore);
    const verify = await t.request('POST', `/v1/models/${m}/versions/${v}/verify`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: false, items: [{ path: 'model.onnx', status: 'corrupted', sha256: sha256(data) }] });
    expect(verify.body.items[0].actualSha256).not.toBe(sha256(data));

    // Uploading the same content again replaces the damaged blob; verify then clears the flag.
    const v2 = await createVersion(t, m);
    expect((await upload(t, m, v2, 'model.onnx', data)).body.deduplicated).toBe(false);
    expect((await download(t, m, v, 'model.onnx')).body!.equals(data)).toBe(true);
    expect((await t.request('POST', `/v1/models/${m}/versions/${v}/verify`)).body.ok).toBe(true);
    expect((await t.request('GET', `/v1/models/${m}/versions/${v}`)).body.integrityFailedAt).toBeNull();
  });

  it('fails loudly on a blob that disappeared, and verify reports it missing', async () => {
    const { t, blobs, m, v } = await setup();
    const data = bytes(2 * MiB);
    await upload(t, m, v, 'gone.bin', data);
    await blobs.remove(sha256(data));
    const got = await download(t, m, v, 'gone.bin');
    expect(got.status).toBe(500);
    expect(JSON.parse(got.body!.toString()).code).toBe('artifact_integrity_failed');
    const verify = await t.request('POST', `/v1/models/${m}/versions/${v}/verify`);
    expect(verify.body.items[0]).toMatchObject({ status: 'missing', actualSha256: null });
  });
}
