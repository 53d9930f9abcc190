import { keyTag, type LegacyKeyRule } from '@modelyard/platform';

/**
 * The Redis key `name` of one monitor. All of them start with the monitor's hash tag
 * (`{mon:<id>}`), so ingestion's MULTI, the window's scripts and reads stay in one Redis Cluster slot.
 */
export const monitorTag = (monitorId: string) => keyTag('monitor', monitorId);
export const monitorKey = (monitorId: string, name: string) => `${monitorTag(monitorId)}:${name}`;

/** Before `{mon:<id>}` a monitor's keys were `drift:{<id>}:<name>`: moved at start (LegacyKeys). */
export const MONITOR_LEGACY_KEYS: LegacyKeyRule[] = [
  {
    match: 'drift:{*',
    rename: (key) => {
      const m = /^drift:\{([^}]+)\}:(.+)$/.exec(key);
      return m ? monitorKey(m[1]!, m[2]!) : undefined;
    },
  },
];
