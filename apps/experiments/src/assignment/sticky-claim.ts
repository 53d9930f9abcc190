import type { RedisClient } from '@modelyard/platform';

/** What one round trip found for a unit (see STICKY_CLAIM). */
export const Claim = {
  /** Neither assigned before nor in the experiment (outside its coverage). */
  Outside: 0,
  /** Assigned before: the returned variant stands. */
  Sticky: 1,
  /** Assigned now: the candidate variant was recorded and queued for persistence. */
  First: 2,
  /** Not in the hash while the hash is not restored from Postgres: look it up there first. */
  Unknown: 3,
} as const;
export type Claim = (typeof Claim)[keyof typeof Claim];

// One round trip for a whole request: each unit's sticky variant, and the first assignment of the
// ones never seen, atomically (Lua runs alone, so HGET-then-HSET cannot race another request).
// KEYS: sticky hash, restored marker, queue of first assignments.
// ARGV: triples of unit, candidate variant ('' = outside coverage), queue item.
// Returns pairs of claim code (Claim) and variant.
const STICKY_CLAIM = `
local restored = redis.call('EXISTS', KEYS[2]) == 1
local out = {}
for i = 1, #ARGV, 3 do
  local unit, candidate = ARGV[i], ARGV[i + 1]
  local v = redis.call('HGET', KEYS[1], unit)
  if v then
    out[#out + 1] = 1; out[#out + 1] = v
  elseif not restored then
    out[#out + 1] = 3; out[#out + 1] = ''
  elseif candidate == '' then
    out[#out + 1] = 0; out[#out + 1] = ''
  else
    redis.call('HSET', KEYS[1], unit, candidate)
    redis.call('RPUSH', KEYS[3], ARGV[i + 2])
    out[#out + 1] = 2; out[#out + 1] = candidate
  end
end
return out
`;

const COMMAND = 'modelyardStickyClaim';

interface WithStickyClaim {
  [COMMAND](sticky: string, restored: string, queue: string, ...args: string[]): Promise<(number | string)[]>;
}

/** Registers the script on the client (sent by SHA after its first use). */
export function stickyClaimOn(client: RedisClient): WithStickyClaim {
  if (!(COMMAND in client)) client.defineCommand(COMMAND, { numberOfKeys: 3, lua: STICKY_CLAIM });
  return client as unknown as WithStickyClaim;
}

export interface ClaimInput {
  unit: string;
  /** The variant the hash gives the unit (null: outside coverage). */
  candidate: string | null;
  /** The unit's item for the persistence queue, used only when the unit is assigned now. */
  item: string;
}

/** The keys of one experiment that STICKY_CLAIM reads and writes. */
export interface StickyKeys {
  sticky: string;
  restored: string;
  queue: string;
}

export interface ClaimResult {
  claim: Claim;
  variant: string;
}

/** Runs STICKY_CLAIM; one { claim, variant } per input, in order. */
export async function stickyClaim(client: RedisClient, keys: StickyKeys, inputs: ClaimInput[]): Promise<ClaimResult[]> {
  const args = inputs.flatMap((u) => [u.unit, u.candidate ?? '', u.item]);
  const raw = await stickyClaimOn(client)[COMMAND](keys.sticky, keys.restored, keys.queue, ...args);
  return inputs.map((_, i) => ({ claim: Number(raw[2 * i]) as Claim, variant: String(raw[2 * i + 1]) }));
}
