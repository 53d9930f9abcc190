import { keyTag } from '@modelyard/platform';

/**
 * The Redis key `name` of one monitor. All of them start with the monitor's hash tag
 * (`{mon:<id>}`), so ingestion's MULTI, the window's scripts and reads stay in one Redis Cluster slot.
 */
export const monitorTag = (monitorId: string) => keyTag('monitor', monitorId);
export const monitorKey = (monitorId: string, name: string) => `${monitorTag(monitorId)}:${name}`;
