/**
 * 32-bit FNV-1a over UTF-16 code units (as `String.prototype.charCodeAt` yields them), the hash
 * GrowthBook uses. `Math.imul` by the FNV prime 16777619 equals GrowthBook's shift-and-add form
 * modulo 2^32.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/**
 * GrowthBook's hash version 2: a unit's position in [0, 1) for an experiment seed, in steps of
 * 1/10000. Hashing the decimal string of the first hash again removes the bias of FNV's low bits
 * for similar inputs (consecutive ids).
 */
export function hash(seed: string, unit: string): number {
  return (fnv1a32(String(fnv1a32(seed + unit))) % 10000) / 10000;
}
