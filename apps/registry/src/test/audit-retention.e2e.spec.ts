import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createPrismaClient, type PrismaClient } from '@modelyard/db';
import { archiveAuditEvents } from '@modelyard/platform';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { AuditArchiver } from '../audit/audit-archiver.js';
import { ARTIFACT_STORAGE, type ArtifactStorage } from '../artifacts/storage/artifact-storage.js';
import { buildRegistry } from '../config.js';

let t: TestApp;
let prisma: PrismaClient;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-archive-'));
  // No workers: the hourly job's first run would race the archive runs the tests make themselves.
  t = await startTestApp(buildRegistry, { ARTIFACT_DIR: dir, AUDIT_RETENTION_DAYS: '30', RUN_WORKERS: '0' });
  prisma = createPrismaClient(t.databaseUrl);
});
afterAll(async () => {
  await prisma.$disconnect();
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = new Date();
const daysAgo = (d: number, ms = 0) => new Date(now.getTime() - d * 86_400_000 + ms);
const lines = (ndjson: string) =>
  ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('audit retention', () => {
  it('moves entries past retention to storage as NDJSON, and only those', async () => {
    const old = (i: number) => ({ action: 'model.updated', actor: `old-${i}`, at: daysAgo(40, i), before: { n: i }, after: { n: i + 1 } });
    await prisma.auditEvent.createMany({ data: [0, 1, 2].map((i) => ({ ...old(i), subject: `m${i}`, modelName: `m${i}` })) });
    await prisma.auditEvent.create({ data: { action: 'model.updated', actor: 'recent', subject: 'm9', at: daysAgo(1) } });
    await prisma.platformAuditEvent.createMany({
      data: [0, 1].map((i) => ({ ...old(i), action: 'api_key.created', target: `api_key:${i}` })),
    });
    await prisma.platformAuditEvent.create({ data: { action: 'api_key.revoked', actor: 'recent', target: 'api_key:9', at: daysAgo(29) } });
    // Another service's table is archived too (the log is one log); its recent entry stays.
    await prisma.driftAuditEvent.create({ data: { action: 'monitor.created', actor: 'old', target: 'monitor:x', at: daysAgo(40) } });
    await prisma.driftAuditEvent.create({ data: { action: 'monitor.updated', actor: 'recent', target: 'monitor:x', at: daysAgo(2) } });
    const registryBefore = await prisma.auditEvent.findMany({ where: { at: { lt: daysAgo(30) } }, orderBy: { id: 'asc' } });

    const moved = await t.app.get(AuditArchiver).archive(now, 2);
    expect([...moved].filter(([, rows]) => rows > 0)).toEqual([
      ['registry', 3],
      ['platform', 2],
      ['drift', 1],
    ]);

    expect((await prisma.auditEvent.findMany()).map((r) => r.actor)).toEqual(['recent']);
    expect((await prisma.platformAuditEvent.findMany()).map((r) => r.actor)).toEqual(['recent']);
    expect((await prisma.driftAuditEvent.findMany()).map((r) => r.actor)).toEqual(['recent']);

    const archives = await prisma.auditArchive.findMany({ orderBy: { id: 'asc' } });
    expect(archives.map((a) => [a.service, a.rows])).toEqual([
      ['registry', 2],
      ['registry', 1],
      ['platform', 2],
      ['drift', 1],
    ]);
    const storage = t.app.get<ArtifactStorage>(ARTIFACT_STORAGE);
    const stored: Record<string, unknown>[] = [];
    for (const a of archives.filter((x) => x.service === 'registry')) {
      const ndjson = await text(await storage.read(a.sha256));
      expect(Buffer.byteLength(ndjson)).toBe(Number(a.size));
      stored.push(...lines(ndjson));
    }
    expect(stored).toEqual(
      registryBefore.map((r) => ({
        service: 'registry',
        id: r.id.toString(),
        model: r.modelName,
        action: r.action,
        actor: r.actor,
        target: r.subject,
        before: r.before,
        after: r.after,
        reason: null,
        requestId: null,
        at: r.at.toISOString(),
      })),
    );
    const platform = lines(await text(await storage.read(archives[2]!.sha256)));
    expect(platform.map((l) => [l.service, l.actor, l.target])).toEqual([
      ['platform', 'old-0', 'api_key:0'],
      ['platform', 'old-1', 'api_key:1'],
    ]);

    // Nothing left past retention: a second run moves nothing.
    expect([...(await t.app.get(AuditArchiver).archive(now))].filter(([, rows]) => rows > 0)).toEqual([]);
    const drift = lines(await text(await storage.read(archives[3]!.sha256)));
    expect(drift.map((l) => [l.service, l.action, l.target])).toEqual([['drift', 'monitor.created', 'monitor:x']]);
  });

  it('deletes nothing when storing the batch fails', async () => {
    await prisma.experimentsAuditEvent.createMany({
      data: [0, 1].map((i) => ({ action: 'experiment.created', actor: 'x', target: `experiment:${i}`, at: daysAgo(50) })),
    });
    const archived = archiveAuditEvents({
      prisma,
      service: 'experiments',
      before: daysAgo(30),
      store: () => Promise.reject(new Error('storage unavailable')),
      commit: () => Promise.resolve(),
    });
    await expect(archived).rejects.toThrow('storage unavailable');
    expect(await prisma.experimentsAuditEvent.count()).toBe(2);
  });
});
