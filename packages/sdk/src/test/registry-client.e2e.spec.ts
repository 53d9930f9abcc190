import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import {
  ConflictError,
  ForbiddenError,
  IntegrityError,
  Modelyard,
  NotFoundError,
  ResponseValidationError,
  UnauthenticatedError,
  ValidationError,
  collect,
  type ModelyardError,
} from '../index.js';
import { startFaultProxy, type FaultProxy } from '../testing/index.js';

let registry: TestApp;
let my: Modelyard;
let dir: string;

beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  my = new Modelyard({ urls: { registry: registry.url }, token: tokenFor('admin'), validateResponses: true });
  dir = await mkdtemp(join(tmpdir(), 'sdk-registry-'));
});
afterAll(async () => {
  await registry.close();
  await rm(dir, { recursive: true, force: true });
});

const caught = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: ModelyardError) => err,
  );

describe('registry client', () => {
  it('registers, lists (following cursors) and reads models', async () => {
    for (let i = 0; i < 5; i++) await my.registry.models.create({ name: `paged-${i}`, tags: ['sdk'] });
    const page = await my.registry.models.list({ prefix: 'paged-', limit: 2 });
    expect(page.items.map((m) => m.name)).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
    const all = await collect(my.registry.models.all({ prefix: 'paged-', limit: 2 }));
    expect(all.map((m) => m.name).sort()).toEqual(['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
    expect((await my.registry.models.get('paged-3')).tags).toEqual(['sdk']);
  });

  it('runs the lifecycle: versions, stages, should-promote, promote, compare, rollback, aliases, audit', async () => {
    await my.registry.models.create({ name: 'churn' });
    const v1 = await my.registry.versions.create('churn', { metrics: { auc: 0.8 } });
    const v2 = await my.registry.versions.create('churn', { metrics: { auc: 0.85 } });
    expect([v1.version, v2.version]).toEqual(['1.0.0', '1.0.1']);
    await my.registry.lifecycle.transition('churn', '1.0.0', 'staging');
    await my.registry.lifecycle.promote('churn', '1.0.0', { reason: 'first' });
    await my.registry.lifecycle.transition('churn', '1.0.1', 'staging');
    const should = await my.registry.lifecycle.shouldPromote('churn', '1.0.1', { metric: 'auc', minImprovement: 0.01 });
    expect(should).toMatchObject({ promote: true, productionVersion: '1.0.0', candidateValue: 0.85 });
    const promoted = await my.registry.lifecycle.promote('churn', '1.0.1', { policy: { metric: 'auc', direction: 'higher' } });
    expect(promoted).toMatchObject({ promoted: { version: '1.0.1', stage: 'production' }, archived: '1.0.0' });
    const compared = await my.registry.versions.compare('churn', ['1.0.0', '1.0.1']);
    expect(compared.metrics[0]!.diff['1.0.1']).toBeCloseTo(0.05, 10);
    const rolled = await my.registry.lifecycle.rollback('churn', { reason: 'regression' });
    expect(rolled.production.version).toBe('1.0.0');
    expect((await my.registry.versions.production('churn')).version).toBe('1.0.0');
    await my.registry.aliases.set('churn', 'champion', { version: '1.0.0' });
    expect((await my.registry.aliases.get('churn', 'champion')).version).toBe('1.0.0');
    const cas = await caught(my.registry.aliases.set('churn', 'champion', { version: '1.0.1', expectedVersion: '1.0.1' }));
    expect(cas).toBeInstanceOf(ConflictError);
    await my.registry.aliases.delete('churn', 'champion');
    expect((await my.registry.aliases.list('churn')).items).toEqual([]);
    const audit = await collect(my.registry.auditAll({ model: 'churn', limit: 3 }));
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['version.promoted', 'version.rolled_back']));
  });

  it('approves a version for production with four eyes: the creator is refused, another member unblocks it', async () => {
    await my.registry.models.create({ name: 'gated', requiredApprovals: 1 });
    await my.registry.versions.create('gated', { version: '1.0.0' });
    await my.registry.lifecycle.transition('gated', '1.0.0', 'staging');
    const waiting = await caught(my.registry.lifecycle.promote('gated', '1.0.0'));
    expect(waiting).toBeInstanceOf(ConflictError);
    expect(waiting.code).toBe('approvals_pending');

    const own = await caught(my.registry.lifecycle.decide('gated', '1.0.0', { decision: 'approve' }));
    expect(own).toBeInstanceOf(ForbiddenError);
    const reviewer = new Modelyard({ urls: { registry: registry.url }, token: tokenFor('editor', 'reviewer-1'), validateResponses: true });
    const approved = await reviewer.registry.lifecycle.decide('gated', '1.0.0', { decision: 'approve', comment: 'looks good' });
    expect(approved).toMatchObject({ required: 1, approved: 1, rejected: 0, missing: 0, ready: true });
    expect((await my.registry.lifecycle.approvals('gated', '1.0.0')).by).toEqual([
      expect.objectContaining({ actor: 'reviewer-1', decision: 'approve', comment: 'looks good' }),
    ]);
    expect((await my.registry.lifecycle.promote('gated', '1.0.0')).promoted.stage).toBe('production');
  });

  it('surfaces problems as typed errors with code, fields and request id', async () => {
    const missing = await caught(my.registry.models.get('nope'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    expect(missing.requestId).toEqual(expect.any(String));

    const invalid = await caught(my.registry.models.create({ name: '-bad name' }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid.code).toBe('validation_failed');
    expect(invalid.errors.map((e) => e.field)).toContain('name');
    expect(invalid.describe()).toMatch(/^validation_failed 400: .*name/);

    await my.registry.models.create({ name: 'twice' });
    const duplicate = await caught(my.registry.models.create({ name: 'twice' }));
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate.code).toBe('already_exists');

    const anonymous = new Modelyard({ urls: { registry: registry.url } });
    const denied = await caught(anonymous.registry.models.list());
    expect(denied).toBeInstanceOf(UnauthenticatedError);
    expect(denied.status).toBe(401);
  });

  it('mints, uses, lists and revokes API keys', async () => {
    const created = await my.registry.keys.create({ name: 'ci', roles: ['viewer'] });
    const withKey = new Modelyard({ urls: { registry: registry.url }, apiKey: created.key });
    expect((await withKey.registry.models.list({ limit: 1 })).items).toHaveLength(1);
    const forbidden = await caught(withKey.registry.models.create({ name: 'viewer-cannot' }));
    expect(forbidden.status).toBe(403);
    expect((await my.registry.keys.list()).items.map((k) => k.id)).toContain(created.id);
    const revoked = await my.registry.keys.revoke(created.id);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await caught(withKey.registry.models.list())).status).toBe(401);
  });

  it('manages webhook subscriptions', async () => {
    const hook = await my.registry.webhooks.create({ url: 'https://hooks.example.com/hook', events: ['version.promoted'] });
    expect(hook.secret.length).toBeGreaterThanOrEqual(24);
    expect((await my.registry.webhooks.list()).items.map((w) => w.id)).toContain(hook.id);
    await my.registry.webhooks.delete(hook.id);
    expect(await caught(my.registry.webhooks.get(hook.id))).toBeInstanceOf(NotFoundError);
  });
});

describe('artifacts', () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const digest = createHash('sha256').update(data).digest('hex');

  beforeAll(async () => {
    await my.registry.models.create({ name: 'arte' });
    await my.registry.versions.create('arte', { version: '1.0.0' });
    await writeFile(join(dir, 'weights.bin'), data);
  });

  it('pushes a file as a stream with its SHA-256, reporting progress to the last byte', async () => {
    const progress: number[] = [];
    const uploaded = await my.registry.artifacts.push('arte', '1.0.0', 'model/weights.bin', join(dir, 'weights.bin'), {
      contentType: 'application/x-weights',
      onProgress: (n, total) => {
        expect(total).toBe(data.length);
        progress.push(n);
      },
    });
    expect(uploaded).toMatchObject({ path: 'model/weights.bin', size: data.length, sha256: digest, contentType: 'application/x-weights' });
    expect(progress.at(-1)).toBe(data.length);
    expect(progress.length).toBeGreaterThan(1);
    await my.registry.artifacts.push('arte', '1.0.0', 'config.json', Buffer.from('{"layers":3}'));
    const manifest = await my.registry.artifacts.manifest('arte', '1.0.0');
    expect(manifest.items.map((i) => i.path).sort()).toEqual(['config.json', 'model/weights.bin']);
  });

  it('pulls verified bytes, and every artifact of a version into a directory', async () => {
    let last = 0;
    const pulled = await my.registry.artifacts.pull('arte', '1.0.0', 'model/weights.bin', join(dir, 'out', 'w.bin'), {
      onProgress: (n) => (last = n),
    });
    expect(pulled).toMatchObject({ size: data.length, sha256: digest });
    expect(last).toBe(data.length);
    expect((await readFile(join(dir, 'out', 'w.bin'))).equals(data)).toBe(true);
    const all = await my.registry.artifacts.pullAll('arte', '1.0.0', join(dir, 'all'));
    expect(all.map((a) => a.file).sort()).toEqual([join(dir, 'all', 'config.json'), join(dir, 'all', 'model', 'weights.bin')]);
    expect(await readFile(join(dir, 'all', 'config.json'), 'utf8')).toBe('{"layers":3}');
  });

  it("reads a small artifact into memory, checked against the registry's SHA-256 (tampered bytes → IntegrityError)", async () => {
    expect((await my.registry.artifacts.read('arte', '1.0.0', 'config.json')).toString('utf8')).toBe('{"layers":3}');
    expect((await my.registry.artifacts.read('arte', '1.0.0', 'model/weights.bin')).equals(data)).toBe(true);
    expect(await caught(my.registry.artifacts.read('arte', '1.0.0', 'absent.bin'))).toBeInstanceOf(NotFoundError);

    const proxy = await startFaultProxy(registry.url);
    try {
      const through = new Modelyard({ urls: { registry: proxy.url }, token: tokenFor('admin') });
      const sha = createHash('sha256').update('{"layers":3}').digest('hex');
      proxy.inject(
        [{ status: 200, headers: { 'content-type': 'application/json', 'x-content-sha256': sha }, body: { layers: 4 } }],
        (m, p) => m === 'GET' && p.endsWith('/config.json'),
      );
      const tampered = await caught(through.registry.artifacts.read('arte', '1.0.0', 'config.json'));
      expect(tampered).toBeInstanceOf(IntegrityError);
      expect(tampered.code).toBe('integrity_mismatch');
    } finally {
      await proxy.close();
    }
  });

  it('verifies stored copies on the server and local copies against the manifest', async () => {
    expect(await my.registry.artifacts.verify('arte', '1.0.0')).toMatchObject({ ok: true });
    expect((await my.registry.artifacts.verifyLocal('arte', '1.0.0', join(dir, 'all'))).ok).toBe(true);
    await writeFile(join(dir, 'all', 'config.json'), '{"layers":4}');
    await rm(join(dir, 'all', 'model', 'weights.bin'));
    const local = await my.registry.artifacts.verifyLocal('arte', '1.0.0', join(dir, 'all'));
    expect(local.ok).toBe(false);
    expect(Object.fromEntries(local.items.map((i) => [i.path, i.status]))).toEqual({
      'config.json': 'corrupted',
      'model/weights.bin': 'missing',
    });
  });

  it('refuses an upload to a version that is no longer a draft, with the registry code', async () => {
    await my.registry.lifecycle.transition('arte', '1.0.0', 'staging');
    const refused = await caught(my.registry.artifacts.push('arte', '1.0.0', 'late.bin', Buffer.from('x')));
    expect(refused.code).toBe('artifacts_immutable');
  });
});

describe('response validation', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(registry.url);
  });
  afterAll(() => proxy.close());

  it('rejects an answer that breaks the contract when validating, and passes it through when not', async () => {
    const broken = { status: 200, headers: { 'content-type': 'application/json' }, body: { id: 'not-a-uuid', name: 42 } };
    proxy.inject([broken], (_m, p) => p === '/v1/models/paged-0');
    const strict = new Modelyard({ urls: { registry: proxy.url }, token: tokenFor('viewer'), validateResponses: true });
    const err = await caught(strict.registry.models.get('paged-0'));
    expect(err).toBeInstanceOf(ResponseValidationError);
    expect(err.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['id', 'name']));

    proxy.inject([broken], (_m, p) => p === '/v1/models/paged-0');
    const lax = new Modelyard({ urls: { registry: proxy.url }, token: tokenFor('viewer'), validateResponses: false });
    expect(await lax.registry.models.get('paged-0')).toEqual({ id: 'not-a-uuid', name: 42 });
    // A valid answer comes back exactly as sent, whether validated or not.
    expect(await strict.registry.models.get('paged-0')).toEqual(await lax.registry.models.get('paged-0'));
  });
});
