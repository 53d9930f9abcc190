import { keyTag, untaggedEntityRule, type LegacyKeyRule } from '@modelyard/platform';

/**
 * The Redis key `name` of one pipeline. All of them start with the pipeline's hash tag
 * (`{pipe:<id>}`), so the buffer's scripts over them stay in one Redis Cluster slot.
 */
export const pipelineKey = (pipelineId: string, name: string) => `${keyTag('pipeline', pipelineId)}:${name}`;

/** Before tags a pipeline's keys were `learn:<id>:<name>`: moved at start (LegacyKeys). */
export const PIPELINE_LEGACY_KEYS: LegacyKeyRule[] = [untaggedEntityRule('learn', (id) => keyTag('pipeline', id))];
