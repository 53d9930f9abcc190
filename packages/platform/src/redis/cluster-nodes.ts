/** One seed node of a Redis Cluster. */
export interface ClusterNode {
  host: string;
  port: number;
}

export type ParsedClusterNodes = { ok: true; nodes: ClusterNode[] } | { ok: false; problem: string };

/**
 * REDIS_CLUSTER_NODES: `host:port` pairs separated by commas (IPv6 hosts in brackets). Empty means
 * single-node Redis. A few seeds are enough: ioredis learns the other nodes from CLUSTER SLOTS.
 */
export function parseClusterNodes(raw: string): ParsedClusterNodes {
  const nodes: ClusterNode[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const match = /^(\[[0-9a-fA-F:.]+\]|[\w.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return { ok: false, problem: `'${entry}' is not host:port` };
    nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  return { ok: true, nodes };
}
