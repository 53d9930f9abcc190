import { createPrismaClient } from '@modelyard/db';
import type { AuditService } from '@modelyard/types';

/** An entry of the merged audit log (the `platform_audit_log` view), JSON columns parsed. */
export interface AuditLogEntry {
  service: AuditService;
  id: bigint;
  modelName: string | null;
  action: string;
  actor: string;
  target: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  before: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  after: any;
  reason: string | null;
  requestId: string | null;
  at: Date;
}

/**
 * A service's audit entries as the database holds them, oldest first, read from the view the
 * registry's GET /v1/audit reads (test files give each service a database of its own, so the
 * registry of a test harness cannot see them).
 */
export async function auditEntries(databaseUrl: string, service: AuditService, target?: string): Promise<AuditLogEntry[]> {
  const prisma = createPrismaClient(databaseUrl);
  try {
    return target === undefined
      ? await prisma.$queryRaw<AuditLogEntry[]>`SELECT * FROM platform_audit_log WHERE service = ${service} ORDER BY at, id`
      : await prisma.$queryRaw<AuditLogEntry[]>`
          SELECT * FROM platform_audit_log WHERE service = ${service} AND target = ${target} ORDER BY at, id`;
  } finally {
    await prisma.$disconnect();
  }
}
