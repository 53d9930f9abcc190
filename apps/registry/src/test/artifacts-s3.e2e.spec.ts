import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';
import { MiB, startMoto } from './artifact-helpers.js';
import { storageContract, type BlobAccess } from './artifact-contract.js';

// The S3 backend against a real S3 API: moto_server, started on a free local port for this file.
let t: TestApp;
let moto: Awaited<ReturnType<typeof startMoto>>;
let s3: S3Client;
const bucket = `modelyard-${randomUUID().slice(0, 8)}`;
const prefix = 'registry/';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test-secret' };

const key = (sha: string) => `${prefix}blobs/sha256/${sha.slice(0, 2)}/${sha}`;
const countUnder = async (sub: string) =>
  (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${sub}` }))).KeyCount ?? 0;

const s3Blobs: BlobAccess = {
  async corrupt(sha) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(sha) }));
    const data = Buffer.from(await object.Body!.transformToByteArray());
    data[0]! ^= 0xff;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(sha), Body: data }));
  },
  remove: async (sha) => void (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key(sha) }))),
  count: async () => ({ blobs: await countUnder('blobs/'), temps: await countUnder('tmp/') }),
};

beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  t = await startTestApp(buildRegistry, {
    ARTIFACT_BACKEND: 's3',
    S3_ENDPOINT: moto.endpoint,
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: '1',
    S3_ACCESS_KEY_ID: credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    S3_PREFIX: prefix,
    // The smallest part S3 allows, so the 12 MiB file of the contract is a three-part upload.
    S3_PART_SIZE_BYTES: String(5 * MiB),
    ARTIFACT_VERIFY_BEFORE_SEND_BYTES: String(MiB),
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  s3?.destroy();
  await moto?.stop();
});

describe('S3 backend', () => {
  storageContract(() => ({ t, blobs: s3Blobs }));

  it('reports the bucket in /health/ready', async () => {
    const ready = await t.request('GET', '/health/ready', { as: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info.storage).toMatchObject({ status: 'up', backend: 's3', bucket });
  });
});

describe('S3 configuration', () => {
  it('names S3_BUCKET when the S3 backend is chosen without one', () => {
    expect(() => buildRegistry({ JWT_SECRET: 'x'.repeat(32), ARTIFACT_BACKEND: 's3' })).toThrow(
      /S3_BUCKET: required when ARTIFACT_BACKEND=s3/,
    );
  });
});
