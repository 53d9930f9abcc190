import { keyTag, untaggedEntityRule, type LegacyKeyRule } from '@modelyard/platform';

/**
 * The Redis key `name` of one experiment. All of them start with the experiment's hash tag
 * (`{exp:<id>}`), so the scripts and transactions over them stay in one Redis Cluster slot.
 */
export const experimentKey = (experimentId: string, name: string) => `${keyTag('experiment', experimentId)}:${name}`;

/** Before tags an experiment's keys were `exp:<id>:<name>`: moved at start (LegacyKeys). */
export const EXPERIMENT_LEGACY_KEYS: LegacyKeyRule[] = [untaggedEntityRule('exp', (id) => keyTag('experiment', id))];
