// `pnpm bench:artifacts`: uploads a 1 GiB file through the registry's API and downloads it again,
// against a registry process started here (filesystem backend, its own database and Redis prefix).
// Prints throughput, the server's peak RSS growth, and the time this Node process takes to SHA-256
// the same file from disk, measured in the same run. Targets (issue 3): upload within 2× the
// hashing time, RSS growth under 64 MB. BENCH_BYTES changes the size, BENCH_FILE uses a given file.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@modelyard/db/testing';
import { signJwt, TEST_JWT_SECRET } from '@modelyard/platform/testing';
import { Redis } from 'ioredis';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZE = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const MB = 1e6;
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;
const rate = (bytes, s) => `${(bytes / MB / s).toFixed(0)} MB/s`;

async function makeFile(path, size) {
  async function* chunks() {
    for (let left = size; left > 0; left -= 8 << 20) yield randomBytes(Math.min(left, 8 << 20));
  }
  // pipeline: a write error (disk full) rejects here instead of crashing on an unhandled 'error'.
  await pipeline(Readable.from(chunks()), createWriteStream(path));
}

/** Copies the file and fdatasyncs it: what persisting the bytes costs on this disk, for context. */
async function durableCopy(from, to) {
  const out = await open(to, 'w');
  for await (const chunk of createReadStream(from, { highWaterMark: 4 << 20 })) await out.write(chunk);
  await out.datasync();
  await out.close();
}

async function hashFile(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Resident memory of a process, in bytes; `peak` since the last resetPeak() (Linux /proc). */
async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
/**
 * Node's http client with stream pipes, not fetch: fetch's web-stream body costs more CPU per byte
 * than the server's whole upload path, and would measure the client rather than the registry.
 */
function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, resolve);
    req.once('error', reject);
    if (body) pipeline(body, req).catch(reject);
    else req.end();
  });
}

async function readJson(res) {
  let text = '';
  for await (const chunk of res) text += chunk;
  return JSON.parse(text);
}

const resetPeak = (pid) => writeFile(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'modelyard-bench-'));
  const file = process.env.BENCH_FILE ?? join(work, 'artifact.bin');
  if (!process.env.BENCH_FILE) {
    process.stdout.write(`writing a ${(SIZE / 1024 ** 3).toFixed(2)} GiB random file… `);
    await makeFile(file, SIZE);
    console.log('done');
  }
  const size = (await stat(file)).size;
  await hashFile(file); // warm the page cache, so hashing and uploading both read from memory
  let start = process.hrtime.bigint();
  const expected = await hashFile(file);
  const hashS = seconds(start);

  start = process.hrtime.bigint();
  await durableCopy(file, join(work, 'copy.bin'));
  const diskS = seconds(start);
  await rm(join(work, 'copy.bin'));

  const db = await createTestDatabase();
  const port = await freePort();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_PREFIX: prefix,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    ARTIFACT_DIR: join(work, 'store'),
    ARTIFACT_MAX_BYTES: String(size + 1),
    ARTIFACT_MIN_FREE_BYTES: '0',
  };
  const server = spawn(process.execPath, [join(ROOT, 'apps/registry/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${signJwt({ sub: 'bench', roles: ['admin'] })}` };
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 150 || server.exitCode !== null) throw new Error('the registry did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const json = { ...auth, 'content-type': 'application/json' };
    await fetch(`${base}/v1/models`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'bench' }) });
    await fetch(`${base}/v1/models/bench/versions`, { method: 'POST', headers: json, body: JSON.stringify({ version: '1.0.0' }) });
    const url = `${base}/v1/models/bench/versions/1.0.0/artifacts/model.bin`;

    const idle = await memory(server.pid);
    await resetPeak(server.pid);
    start = process.hrtime.bigint();
    const put = await send(
      'PUT',
      url,
      { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(size), 'x-content-sha256': expected },
      createReadStream(file, { highWaterMark: 1 << 20 }),
    );
    const uploaded = await readJson(put);
    const uploadS = seconds(start);
    if (put.statusCode !== 201 || uploaded.sha256 !== expected)
      throw new Error(`upload failed: ${put.statusCode} ${JSON.stringify(uploaded)}`);
    const afterUpload = await memory(server.pid);

    await resetPeak(server.pid);
    start = process.hrtime.bigint();
    const res = await send('GET', url, auth);
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of res) {
      hash.update(chunk);
      received += chunk.length;
    }
    const downloadS = seconds(start);
    const afterDownload = await memory(server.pid);
    if (res.statusCode !== 200 || received !== size || hash.digest('hex') !== expected) throw new Error('download did not round-trip');

    const growthUp = afterUpload.peak - idle.rss;
    const growthDown = afterDownload.peak - idle.rss;
    const ratio = uploadS / hashS;
    console.log(`
Artifact benchmark: ${(size / 1024 ** 3).toFixed(2)} GiB, filesystem backend, one registry process (Node ${process.version})
  SHA-256 of the file from disk (this process)  ${hashS.toFixed(2)} s  ${rate(size, hashS)}   (page cache warm)
  copy + fdatasync of the file (this process)    ${diskS.toFixed(2)} s  ${rate(size, diskS)}   (what persisting it costs here)
  upload through the API (PUT, hashed + stored)  ${uploadS.toFixed(2)} s  ${rate(size, uploadS)}   = ${ratio.toFixed(2)}× hashing time  (target ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'})
  download through the API (GET, verified)       ${downloadS.toFixed(2)} s  ${rate(size, downloadS)}
  server RSS at rest                             ${(idle.rss / MB).toFixed(1)} MB
  server peak RSS growth during upload           ${(growthUp / MB).toFixed(1)} MB  (target < 64 MB: ${growthUp < 64 * MB ? 'met' : 'MISSED'})
  server peak RSS growth during download         ${(growthDown / MB).toFixed(1)} MB`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
    await db.drop();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
