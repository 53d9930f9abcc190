import { createPrismaClient, type PrismaClient } from '@modelyard/db';
import { recordAudit } from '@modelyard/platform';
import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import type { AuditService } from '@modelyard/types';
import { buildRegistry } from '../config.js';
import { createModel } from './factories.js';

let t: TestApp;
let prisma: PrismaClient;
let start: string;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
  prisma = createPrismaClient(t.databaseUrl);
  start = new Date().toISOString();
});
afterAll(async () => {
  await prisma.$disconnect();
  await t.close();
});

type Item = {
  service: string;
  id: string;
  action: string;
  actor: string;
  target: string;
  subject: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  before: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  after: any;
  at: string;
};
const list = async (query: string): Promise<{ items: Item[]; nextCursor: string | null }> => {
  const res = await t.request('GET', `/v1/audit?${query}`, { as: 'viewer' });
  expect(res.status).toBe(200);
  return res.body;
};

describe('GET /v1/audit merges every service', () => {
  let model: string;
  beforeAll(async () => {
    model = await createModel(t); // registry: model.created by test-admin
    // What the other services write, each in its own table and transaction.
    await prisma.$transaction((tx) =>
      recordAudit(tx, 'experiments', {
        action: 'experiment.created',
        actor: 'test-editor',
        target: 'experiment:checkout',
        model,
        after: { key: 'checkout', status: 'draft' },
      }),
    );
    await prisma.$transaction((tx) =>
      recordAudit(tx, 'drift', { action: 'monitor.created', actor: 'test-admin', target: 'monitor:m1', after: { name: 'm1' } }),
    );
    await prisma.$transaction((tx) =>
      recordAudit(tx, 'learning', {
        action: 'pipeline.updated',
        actor: 'key:abc',
        target: 'pipeline:p1',
        before: { batchSize: 10 },
        after: { batchSize: 20 },
        reason: 'bigger batches',
      }),
    );
  });

  it('returns entries of every service, newest first, with service and target', async () => {
    const { items } = await list(`since=${start}`);
    expect(items.map((i) => [i.service, i.action])).toEqual([
      ['learning', 'pipeline.updated'],
      ['drift', 'monitor.created'],
      ['experiments', 'experiment.created'],
      ['registry', 'model.created'],
    ]);
    const learning = items[0]!;
    expect(learning).toMatchObject({ actor: 'key:abc', target: 'pipeline:p1', subject: 'pipeline:p1', reason: 'bigger batches' });
    expect(learning.before).toEqual({ batchSize: 10 });
    expect(learning.after).toEqual({ batchSize: 20 });
    expect(items[3]).toMatchObject({ target: model, subject: model, model, actor: 'test-admin' });
  });

  it('filters by service, actor, action, target, model and time', async () => {
    const actions = async (q: string) => (await list(`since=${start}&${q}`)).items.map((i) => i.action);
    expect(await actions('service=drift')).toEqual(['monitor.created']);
    expect(await actions('service=registry')).toEqual(['model.created']);
    expect(await actions('actor=test-admin')).toEqual(['monitor.created', 'model.created']);
    expect(await actions('action=experiment.')).toEqual(['experiment.created']);
    expect(await actions('action=pipeline_updated')).toEqual([]); // `_` is a letter here, not a wildcard
    expect(await actions('target=pipeline:p1')).toEqual(['pipeline.updated']);
    expect(await actions(`model=${model}`)).toEqual(['experiment.created', 'model.created']);
    expect(await actions('service=experiments&actor=test-admin')).toEqual([]);
    expect(await actions(`until=${start}`)).toEqual([]);
  });
});

describe('paging the merged log', () => {
  // Rows of four tables at the same instants: ids repeat across tables, so only (at, service, id) orders them.
  const base = Date.parse('2020-01-01T00:00:00.000Z');
  const instants = [new Date(base), new Date(base + 1), new Date(base + 1), new Date(base + 2)];
  const expected: string[] = [];
  beforeAll(async () => {
    const rows = instants.map((at, i) => ({ action: 'paging.test', actor: 'pager', target: `t${i}`, at }));
    const written: { service: AuditService; rows: { id: bigint; at: Date }[] }[] = [];
    const select = { id: true, at: true } as const;
    written.push({ service: 'experiments', rows: await prisma.experimentsAuditEvent.createManyAndReturn({ data: rows, select }) });
    written.push({ service: 'drift', rows: await prisma.driftAuditEvent.createManyAndReturn({ data: rows, select }) });
    written.push({ service: 'learning', rows: await prisma.learningAuditEvent.createManyAndReturn({ data: rows, select }) });
    const registryRows = rows.map(({ target, ...r }) => ({ ...r, subject: target, modelName: null }));
    written.push({ service: 'registry', rows: await prisma.auditEvent.createManyAndReturn({ data: registryRows, select }) });
    const all = written.flatMap((w) => w.rows.map((r) => ({ service: w.service, id: r.id, at: r.at.getTime() })));
    all.sort((a, b) => b.at - a.at || (a.service < b.service ? 1 : a.service > b.service ? -1 : 0) || Number(b.id - a.id));
    expected.push(...all.map((r) => `${r.service}/${r.id}`));
  });

  it.each([1, 3, 5])('pages with limit %i: nothing skipped, nothing repeated, in order', async (limit) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(
        `action=paging.test&until=2020-01-02T00:00:00Z&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((i) => `${i.service}/${i.id}`));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(16);
    expect(seen).toEqual(expected);
    // The last page says there is no next one: no empty page at the end.
    expect(pages).toBe(Math.ceil(16 / limit));
  });

  it('pages within one service too', async () => {
    const first = await list('action=paging.test&service=drift&limit=3');
    const second = await list(`action=paging.test&service=drift&limit=3&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((i) => `${i.service}/${i.id}`)).toEqual(expected.filter((k) => k.startsWith('drift/')));
    expect(second.nextCursor).toBeNull();
  });
});

describe('bad queries', () => {
  it.each([
    ['service=billing', 'service'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    [`cursor=${Buffer.from('2020-01-01T00:00:00.000Z~billing~1').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('2020-01-01T00:00:00.000Z~drift~99999999999999999999').toString('base64url')}`, 'cursor'],
    [`target=${'x'.repeat(600)}`, 'target'],
    ['limit=0', 'limit'],
    ['colour=red', 'colour'],
  ])('%s is a 400 naming %s', async (query, field) => {
    const res = await t.request('GET', `/v1/audit?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });
});

describe('audit tables are append-only', () => {
  const tables = [
    'registry_audit_events',
    'platform_audit_events',
    'experiments_audit_events',
    'drift_audit_events',
    'learning_audit_events',
    'serving_audit_events',
  ];
  beforeAll(async () => {
    await prisma.platformAuditEvent.create({ data: { action: 'api_key.created', actor: 'x', target: 'api_key:x' } });
    await prisma.servingAuditEvent.create({ data: { action: 'shadow.set', actor: 'x', target: 'shadow:x' } });
  });

  it.each(tables)('%s refuses UPDATE and DELETE', async (table) => {
    const count = (await prisma.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) FROM ${table}`))[0]!.count;
    expect(count).toBeGreaterThan(0n);
    await expect(prisma.$executeRawUnsafe(`UPDATE ${table} SET actor = 'forged'`)).rejects.toThrow(/append-only: UPDATE on/);
    await expect(prisma.$executeRawUnsafe(`DELETE FROM ${table}`)).rejects.toThrow(/append-only: DELETE on/);
    const [after] = await prisma.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) FROM ${table}`);
    expect(after!.count).toBe(count);
    const forged = await prisma.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) FROM ${table} WHERE actor = 'forged'`);
    expect(forged[0]!.count).toBe(0n);
  });

  it('the archive setting allows DELETE but never UPDATE', async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL modelyard.audit_archive = 'on'`;
        await tx.$executeRawUnsafe(`UPDATE platform_audit_events SET actor = 'forged'`);
      }),
    ).rejects.toThrow(/append-only: UPDATE/);
    const deleted = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL modelyard.audit_archive = 'on'`;
      return tx.$executeRaw`DELETE FROM platform_audit_events WHERE target = 'api_key:x'`;
    });
    expect(deleted).toBe(1);
    // SET LOCAL ends with its transaction: the next statement is refused again.
    await prisma.platformAuditEvent.create({ data: { action: 'api_key.created', actor: 'x', target: 'api_key:y' } });
    await expect(prisma.$executeRaw`DELETE FROM platform_audit_events WHERE target = 'api_key:y'`).rejects.toThrow(/append-only/);
  });
});
