/**
 * Entities whose Redis keys must live together: MULTI, pipelines, Lua scripts and MGET over one
 * entity's keys need them in one cluster slot. The slot of a key is computed from its first `{…}`
 * (REDIS_PREFIX has no braces), so each entity's keys start with its tag: one experiment's keys
 * share a slot while different experiments spread over the nodes.
 */
export const KEY_TAGS = {
  experiment: 'exp',
  monitor: 'mon',
  pipeline: 'pipe',
  /** A served model (serving's features and shadow reports). */
  model: 'model',
} as const;

export type TaggedEntity = keyof typeof KEY_TAGS;

/** `{exp:<id>}`: the start of every key of one entity. */
export function keyTag(entity: TaggedEntity, id: string): string {
  return `{${KEY_TAGS[entity]}:${id}}`;
}

/**
 * The BullMQ prefix of one queue. In cluster mode it is a hash tag naming the queue: BullMQ's
 * scripts touch many keys of one queue at once (one slot), while different queues spread over the
 * nodes. On a single Redis every queue keeps the `<prefix>:bull` prefix it always had.
 */
export function bullPrefix(prefix: string, cluster: boolean, queue: string): string {
  return cluster ? `{${prefix}:bull:${queue}}` : `${prefix}:bull`;
}

/** A SCAN pattern matching the keys of every queue of an installation, in either mode. */
export function bullKeysPattern(prefix: string, cluster: boolean): string {
  return cluster ? `{${prefix}:bull:*` : `${prefix}:bull:*`;
}
