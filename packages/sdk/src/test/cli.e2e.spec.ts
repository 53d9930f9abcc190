import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, tokenFor, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '@modelyard/registry/testing';
import { Modelyard } from '../index.js';
import { runCli } from '../testing/index.js';

let registry: TestApp;
let home: string;
let env: Record<string, string>;
let admin: Modelyard;
const data = randomBytes(2 * 1024 * 1024 + 5);
const digest = createHash('sha256').update(data).digest('hex');

beforeAll(async () => {
  registry = await startTestApp(buildRegistry);
  home = await mkdtemp(join(tmpdir(), 'cli-home-'));
  admin = new Modelyard({ urls: { registry: registry.url }, token: tokenFor('admin') });
  const key = await admin.registry.keys.create({ name: 'cli-tests', roles: ['admin'] });
  env = { HOME: home, MODELYARD_REGISTRY_URL: registry.url, MODELYARD_API_KEY: key.key };
  await admin.registry.models.create({ name: 'fraud', tags: ['cli'] });
  await admin.registry.versions.create('fraud', { metrics: { auc: 0.8 } });
  await admin.registry.versions.create('fraud', { metrics: { auc: 0.85 } });
  await admin.registry.lifecycle.transition('fraud', '1.0.0', 'staging');
  await admin.registry.lifecycle.promote('fraud', '1.0.0');
  await admin.registry.lifecycle.transition('fraud', '1.0.1', 'staging');
  await admin.registry.models.create({ name: 'weights' });
  await admin.registry.versions.create('weights', { version: '2.0.0' });
  await writeFile(join(home, 'model.bin'), data);
});
afterAll(async () => {
  await registry.close();
  await rm(home, { recursive: true, force: true });
});

describe('modelyard models', () => {
  it('lists models as JSON for scripts and as a table for people', async () => {
    const json = await runCli(['models', 'list', '--json'], env);
    expect(json.code).toBe(0);
    expect(json.json.map((m: { name: string }) => m.name)).toEqual(['fraud', 'weights']);
    const human = await runCli(['models', 'list'], env);
    expect(human.stdout.split('\n')[0]).toMatch(/^NAME\s+OWNER\s+TAGS\s+UPDATED$/);
    expect(human.stdout).toMatch(/^fraud\s+.*\s+cli\s+/m);
  });

  it('shows a model with its production version, and lists versions by stage', async () => {
    const show = await runCli(['models', 'show', 'fraud', '--json'], env);
    expect(show.json).toMatchObject({ name: 'fraud', production: { version: '1.0.0' }, aliases: [] });
    const staging = await runCli(['models', 'versions', 'fraud', '--stage', 'staging', '--json'], env);
    expect(staging.json.map((v: { version: string }) => v.version)).toEqual(['1.0.1']);
    const table = await runCli(['models', 'versions', 'fraud'], env);
    expect(table.stdout).toMatch(/^1\.0\.1\s+staging\s+auc=0\.85/m);
  });

  it('compares versions, promotes with a policy and rolls back', async () => {
    const compare = await runCli(['models', 'compare', 'fraud', '1.0.0', '1.0.1'], env);
    expect(compare.stdout).toMatch(/^auc\s+0\.8\s+0\.85 \(\+0\.05\)$/m);
    const promoted = await runCli(['models', 'promote', 'fraud', '1.0.1', '--metric', 'auc', '--min-improvement', '0.01', '--json'], env);
    expect(promoted.code).toBe(0);
    expect(promoted.json).toMatchObject({
      promoted: { version: '1.0.1', stage: 'production' },
      archived: '1.0.0',
      decision: { promote: true },
    });
    const rolled = await runCli(['models', 'rollback', 'fraud', '--reason', 'cli test'], env);
    expect(rolled.stdout.trim()).toBe('rolled fraud back to 1.0.0 (archived 1.0.1)');
  });

  it('approves a version and shows where it stands against the requirement', async () => {
    // The versions were created by the admin JWT; the CLI calls with an API key, another member.
    await admin.registry.models.create({ name: 'reviewed', requiredApprovals: 1 });
    await admin.registry.versions.create('reviewed', { version: '1.0.0' });
    const before = await runCli(['models', 'approvals', 'reviewed', '1.0.0'], env);
    expect(before.stdout).toMatch(/^standing:\s+1 more approval\(s\) needed$/m);
    const approved = await runCli(['models', 'approve', 'reviewed', '1.0.0', '--comment', 'checked the metrics'], env);
    expect(approved.code).toBe(0);
    expect(approved.stdout.trim()).toBe('approved reviewed@1.0.0: ready for production');
    const after = await runCli(['models', 'approvals', 'reviewed', '1.0.0', '--json'], env);
    expect(after.json).toMatchObject({
      required: 1,
      approved: 1,
      ready: true,
      by: [{ decision: 'approve', comment: 'checked the metrics' }],
    });
  });

  it('fails with one clear line naming the problem code, and a non-zero exit', async () => {
    const missing = await runCli(['models', 'show', 'nope'], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^error: not_found 404: .*nope.* \[request .+\]$/m);

    const refused = await runCli(['models', 'promote', 'fraud', '1.0.0'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: conflict 409: fraud@1\.0\.0 is already in production/);

    const anonymous = await runCli(['models', 'list'], { HOME: home, MODELYARD_REGISTRY_URL: registry.url });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: unauthenticated 401: /);

    const usage = await runCli(['models', 'promote', 'fraud'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument 'version'/);
  });
});

describe('modelyard artifacts', () => {
  it('pushes, lists, pulls and verifies a file, checking SHA-256 end to end', async () => {
    const push = await runCli(
      ['artifacts', 'push', 'weights', '2.0.0', join(home, 'model.bin'), '--path', 'onnx/model.bin', '--json'],
      env,
    );
    expect(push.code).toBe(0);
    expect(push.json).toMatchObject({ path: 'onnx/model.bin', size: data.length, sha256: digest });

    const list = await runCli(['artifacts', 'list', 'weights', '2.0.0'], env);
    expect(list.stdout).toMatch(new RegExp(`^onnx/model.bin\\s+2\\.0 MiB\\s+${digest}`, 'm'));

    const out = join(home, 'pulled');
    const pull = await runCli(['artifacts', 'pull', 'weights', '2.0.0', '-o', out, '--json'], env);
    expect(pull.json).toEqual([{ file: join(out, 'onnx', 'model.bin'), size: data.length, sha256: digest }]);
    expect((await readFile(join(out, 'onnx', 'model.bin'))).equals(data)).toBe(true);

    const server = await runCli(['artifacts', 'verify', 'weights', '2.0.0'], env);
    expect(server.code).toBe(0);
    expect(server.stdout).toMatch(/onnx\/model\.bin\s+ok\nall artifacts verified/);

    await writeFile(join(out, 'onnx', 'model.bin'), Buffer.from('tampered'));
    const local = await runCli(['artifacts', 'verify', 'weights', '2.0.0', '--dir', out, '--json'], env);
    expect(local.code).toBe(1);
    expect(local.json).toMatchObject({ ok: false, items: [{ path: 'onnx/model.bin', status: 'corrupted', expectedSha256: digest }] });
  });

  it('draws progress bars on stderr for uploads and downloads (forced outside a terminal)', async () => {
    await writeFile(join(home, 'second.bin'), data);
    const push = await runCli(['artifacts', 'push', 'weights', '2.0.0', join(home, 'second.bin'), '--progress'], env);
    expect(push.code).toBe(0);
    expect(push.stderr).toMatch(/push second\.bin \[[█░]+\] 100% \| 2\.0\/2\.0 MiB/);
    expect(push.stdout.trim()).toBe(`uploaded weights@2.0.0/second.bin (2.0 MiB, sha256 ${digest}, already stored)`);
    const pull = await runCli(['artifacts', 'pull', 'weights', '2.0.0', 'second.bin', '-o', join(home, 'again.bin'), '--progress'], env);
    expect(pull.stderr).toMatch(/pull second\.bin \[[█░]+\] 100% \| 2\.0\/2\.0 MiB/);
    const quiet = await runCli(['artifacts', 'pull', 'weights', '2.0.0', 'second.bin', '-o', join(home, 'quiet.bin')], env);
    expect(quiet.stderr).toBe('');
  });

  it('reports a missing local file without a stack trace', async () => {
    const res = await runCli(['artifacts', 'push', 'weights', '2.0.0', join(home, 'absent.bin')], env);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^error: ENOENT: no such file or directory/);
  });
});

describe('modelyard keys', () => {
  it('creates a key (secret shown once) that works, lists it, and revokes it', async () => {
    const created = await runCli(['keys', 'create', 'reader', '--role', 'viewer', '--json'], env);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ name: 'reader', roles: ['viewer'], key: expect.any(String) });
    const asReader = { ...env, MODELYARD_API_KEY: created.json.key };
    expect((await runCli(['models', 'list', '--json'], asReader)).code).toBe(0);

    const list = await runCli(['keys', 'list', '--json'], env);
    expect(list.json.map((k: { id: string }) => k.id)).toContain(created.json.id);
    expect(JSON.stringify(list.json)).not.toContain(created.json.key);

    const invalid = await runCli(['keys', 'create', 'bad', '--expires-at', 'tomorrow'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error: validation_failed 400: .*\(expiresAt: [^)]+\)/);

    const revoked = await runCli(['keys', 'revoke', created.json.id], env);
    expect(revoked.stdout.trim()).toBe(`revoked ${created.json.id} (reader)`);
    expect((await runCli(['models', 'list'], asReader)).stderr).toMatch(/^error: unauthenticated 401/);
  });
});

describe('configuration', () => {
  it('reads a config file given by --config (and ~/.modelyard.json by default); flags and env win', async () => {
    const file = join(home, 'custom.json');
    await writeFile(file, JSON.stringify({ apiKey: env.MODELYARD_API_KEY, urls: { registry: registry.url } }));
    const viaFlag = await runCli(['--config', file, 'models', 'list', '--prefix', 'fraud', '--json'], { HOME: home });
    expect(viaFlag.json.map((m: { name: string }) => m.name)).toEqual(['fraud']);

    await writeFile(
      join(home, '.modelyard.json'),
      JSON.stringify({ apiKey: env.MODELYARD_API_KEY, urls: { registry: 'http://127.0.0.1:9' } }),
    );
    const overridden = await runCli(['models', 'list', '--json', '--registry-url', registry.url], { HOME: home });
    expect(overridden.code).toBe(0);
    const fromHome = await runCli(['models', 'list'], { HOME: home, MODELYARD_TIMEOUT_MS: '500' });
    expect(fromHome.code).toBe(1);
    expect(fromHome.stderr).toMatch(/^error: network_error: GET http:\/\/127\.0\.0\.1:9\/v1\/models/);
    await rm(join(home, '.modelyard.json'));
  });

  it('refuses a bad config file with the field named and exit code 2', async () => {
    const file = join(home, 'bad.json');
    await writeFile(file, JSON.stringify({ urls: { registry: 'not a url' } }));
    const res = await runCli(['--config', file, 'models', 'list'], { HOME: home });
    expect(res.code).toBe(2);
    expect(res.stderr.trim()).toMatch(/^error: config: config file .*bad\.json: urls\.registry: /);
  });
});
