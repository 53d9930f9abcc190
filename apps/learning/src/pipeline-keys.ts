import { keyTag } from '@modelyard/platform';

/**
 * The Redis key `name` of one pipeline. All of them start with the pipeline's hash tag
 * (`{pipe:<id>}`), so the buffer's scripts over them stay in one Redis Cluster slot.
 */
export const pipelineKey = (pipelineId: string, name: string) => `${keyTag('pipeline', pipelineId)}:${name}`;
