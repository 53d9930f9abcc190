import { InternalServerErrorException, ServiceUnavailableException } from '@nestjs/common';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { ErrorCode } from '@modelyard/types';
import { BaseEnv, ConfigError, parseEnv } from './config/config.schema.js';
import { Conflict, ValidationFailed } from './errors/domain-errors.js';
import { toProblem } from './errors/problem.js';
import { decodeCursor, encodeCursor, parseIntCursor } from './http/pagination.js';
import { fieldErrors } from './validation/zod-validation.js';
import { requestContext } from './http/request-context.js';
import { createRootLogger } from './logging/logger.js';

describe('configuration', () => {
  const valid = { JWT_SECRET: 'x'.repeat(32) };

  it('applies local defaults', () => {
    const env = parseEnv(BaseEnv, valid);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/modelyard');
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.RATE_LIMIT_MAX).toBe(600);
    expect(env.MAINTENANCE_MODE).toBe(false);
  });

  it('reports every bad variable by name, in one error', () => {
    let error: unknown;
    try {
      parseEnv(BaseEnv, { DATABASE_URL: 'mysql://x', PORT: 'eighty', LOG_LEVEL: 'loud', JWT_SECRET: 'short' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'PORT']);
    expect(problems.find((p) => p.startsWith('JWT_SECRET'))).toContain('at least 32 characters');
  });

  it('needs a JWT secret or a JWKS URL', () => {
    expect(() => parseEnv(BaseEnv, {})).toThrow(/JWT_SECRET: set JWT_SECRET \(HS256\) or JWT_JWKS_URL \(RS256\)/);
    expect(parseEnv(BaseEnv, { JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json' }).JWT_JWKS_URL).toBeDefined();
  });

  it('reads TRUSTED_PROXIES as a list of CIDRs and names a bad one', () => {
    expect(parseEnv(BaseEnv, valid).TRUSTED_PROXIES).toEqual([]);
    const listed = parseEnv(BaseEnv, { ...valid, TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' });
    expect(listed.TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(() => parseEnv(BaseEnv, { ...valid, TRUSTED_PROXIES: '10.0.0.0/8,10.0.0.0/33' })).toThrow(
      /TRUSTED_PROXIES: not an IP address or CIDR: "10\.0\.0\.0\/33"/,
    );
  });

  it('reads REDIS_CLUSTER_NODES as host:port seeds (none: single Redis) and names a bad one', () => {
    expect(parseEnv(BaseEnv, valid).REDIS_CLUSTER_NODES).toEqual([]);
    const listed = parseEnv(BaseEnv, { ...valid, REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1:7001' });
    expect(listed.REDIS_CLUSTER_NODES).toEqual([
      { host: 'redis-0', port: 7000 },
      { host: 'redis-1', port: 7001 },
    ]);
    expect(() => parseEnv(BaseEnv, { ...valid, REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1' })).toThrow(
      /REDIS_CLUSTER_NODES: 'redis-1' is not host:port/,
    );
  });

  it('treats empty variables as unset and parses booleans', () => {
    const env = parseEnv(BaseEnv, { ...valid, PORT: '', MAINTENANCE_MODE: 'true', WORKER_ONLY: '1' });
    expect(env.PORT).toBeUndefined();
    expect(env.MAINTENANCE_MODE).toBe(true);
    expect(env.WORKER_ONLY).toBe(true);
  });
});

describe('logging', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { lines, logger: createRootLogger('test', 'info', sink) };
  }

  it('never writes credentials, and stamps the request id', async () => {
    const { lines, logger } = capture();
    requestContext.run({ requestId: 'req-42' }, () => {
      logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'myk_1_secret' } } }, 'in');
      logger.info({ body: { secret: 's3cr3t', token: 't0k3n', password: 'p4ss' } }, 'body');
    });
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines);
    for (const secret of ['abc.def.ghi', 'myk_1_secret', 's3cr3t', 't0k3n', 'p4ss']) expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)).toHaveLength(5);
    expect(lines.every((l) => l.requestId === 'req-42' && l.service === 'test')).toBe(true);
  });
});

describe('problem details', () => {
  it('keeps domain errors with their code and extension members', () => {
    const p = toProblem(new Conflict('taken', { currentVersion: '1.0.0' }), 'r1');
    expect(p.status).toBe(409);
    expect(p.body).toMatchObject({ code: ErrorCode.conflict, detail: 'taken', currentVersion: '1.0.0', requestId: 'r1' });
    const v = toProblem(new ValidationFailed([{ field: 'name', in: 'body', message: 'required' }]));
    expect(v.body.errors).toEqual([{ field: 'name', in: 'body', message: 'required' }]);
  });

  it('hides the internals of unexpected errors behind a 500', () => {
    const p = toProblem(new Error('connection string postgres://user:pw@db failed'), 'r2');
    expect(p).toMatchObject({ status: 500, unexpected: true });
    expect(JSON.stringify(p.body)).not.toContain('postgres://');
  });

  it('keeps a deliberate 503 a 503 with its reason, and any other 5xx exception a hidden 500', () => {
    const unavailable = toProblem(new ServiceUnavailableException('not built yet'), 'r4');
    expect(unavailable).toMatchObject({ status: 503, unexpected: false });
    expect(unavailable.body).toMatchObject({ code: ErrorCode.serviceUnavailable, detail: 'not built yet' });
    const internal = toProblem(new InternalServerErrorException('secret detail'), 'r5');
    expect(internal).toMatchObject({ status: 500, unexpected: true });
    expect(JSON.stringify(internal.body)).not.toContain('secret detail');
  });

  it('maps Fastify body errors and Prisma unique violations to 4xx', () => {
    expect(toProblem({ statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'too big' }).body.code).toBe('payload_too_large');
    expect(toProblem({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'no' }).status).toBe(415);
    expect(toProblem({ name: 'PrismaClientKnownRequestError', code: 'P2002' }).status).toBe(409);
  });
});

describe('database data errors', () => {
  // The shapes Prisma 7's pg adapter throws (recorded from real queries).
  const wrapped = (code: string, originalCode: string) => ({
    name: 'PrismaClientKnownRequestError',
    code,
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode, kind: 'postgres' } } },
  });

  it.each([
    ['a NUL byte (22021)', wrapped('P2039', '22021')],
    ['a bigint out of range (22003)', wrapped('P2020', '22003')],
    ['malformed input (22P02)', wrapped('P2010', '22P02')],
    ['a raw pg data error', { name: 'error', code: '22021', severity: 'ERROR' }],
    ['a value too long (P2000)', { name: 'PrismaClientKnownRequestError', code: 'P2000', meta: {} }],
  ])('map %s to a 400 that hides the database message', (_what, err) => {
    const p = toProblem(err, 'r3');
    expect(p).toMatchObject({ status: 400, unexpected: false });
    expect(p.body.code).toBe(ErrorCode.malformedBody);
  });

  it('leave other database errors a 500', () => {
    expect(toProblem(wrapped('P2010', '42P01')).status).toBe(500);
    expect(toProblem({ name: 'error', code: '57014' }).status).toBe(500);
  });
});

describe('cursors', () => {
  const asIs = (raw: string) => raw;
  const refused = (cursor: string, parse: (raw: string) => unknown = asIs) => {
    try {
      decodeCursor(cursor, parse);
    } catch (err) {
      return (err as ValidationFailed).errors;
    }
    return null;
  };

  it('round-trip what encodeCursor made', () => {
    expect(decodeCursor(encodeCursor('model-ä-💥'), asIs)).toBe('model-ä-💥');
    expect(decodeCursor(encodeCursor('42'), parseIntCursor)).toBe(42n);
  });

  it.each([
    ['NUL inside', encodeCursor('a\u0000b')],
    ['a control character inside', encodeCursor('a\u001b')],
    ['invalid UTF-8 inside', Buffer.from([0x61, 0xff]).toString('base64url')],
    ['characters outside base64url', 'AA==%%'],
    ['non-canonical base64', 'YR'],
  ])('refuse a cursor with %s as a 400 naming the cursor', (_what, cursor) => {
    expect(refused(cursor)).toEqual([{ field: 'cursor', in: 'query', message: 'not a cursor this endpoint returned' }]);
  });

  it('range-check id cursors against Postgres bigint', () => {
    expect(decodeCursor(encodeCursor('9223372036854775807'), parseIntCursor)).toBe(2n ** 63n - 1n);
    expect(refused(encodeCursor('9223372036854775808'), parseIntCursor)).not.toBeNull();
    expect(refused(encodeCursor('9999999999999999999'), parseIntCursor)).not.toBeNull();
  });
});

describe('field errors of unions', () => {
  const Body = z.union([
    z.strictObject({ records: z.array(z.number()) }),
    z.strictObject({ columns: z.record(z.string(), z.array(z.string().regex(/^[a-z]+$/, 'letters only'))) }),
  ]);
  const errorsOf = (value: unknown) => fieldErrors(Body.safeParse(value).error!, 'body');

  it('name the field of the branch the value was meant for', () => {
    const expectedNumber = expect.stringContaining('expected number');
    const lettersOnly = { field: 'columns.plan.1', in: 'body', message: 'letters only' };
    expect(errorsOf({ columns: { plan: ['a', 'b1'] } })).toEqual([lettersOnly]);
    expect(errorsOf({ records: [1, 'x'] })).toEqual([{ field: 'records.1', in: 'body', message: expectedNumber }]);
  });

  it('keep the union message when no branch fits the value at all', () => {
    expect(errorsOf('text')).toEqual([{ field: '(body)', in: 'body', message: 'Invalid input' }]);
    expect(fieldErrors(z.union([z.number(), z.string().max(1)]).safeParse('ab').error!, 'query')).toEqual([
      { field: '(query)', in: 'query', message: expect.stringContaining('<=1') },
    ]);
  });
});
