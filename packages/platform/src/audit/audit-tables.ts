import type { AuditService } from '@modelyard/types';

/**
 * Each service's audit table. Constants only: these names are written into SQL text (identifiers
 * cannot be parameters), so no value from a request ever reaches this map's keys or values.
 */
export const AUDIT_TABLES: ReadonlyMap<AuditService, { table: string; target: string }> = new Map([
  ['registry', { table: 'registry_audit_events', target: 'subject' }],
  ['platform', { table: 'platform_audit_events', target: 'target' }],
  ['experiments', { table: 'experiments_audit_events', target: 'target' }],
  ['drift', { table: 'drift_audit_events', target: 'target' }],
  ['learning', { table: 'learning_audit_events', target: 'target' }],
  ['serving', { table: 'serving_audit_events', target: 'target' }],
]);
