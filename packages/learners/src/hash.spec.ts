import { FeatureHasher, murmur3 } from './hash.js';

describe('murmur3 (MurmurHash3_x86_32 of UTF-8 bytes)', () => {
  // Published test vectors: SMHasher/Wikipedia via https://stackoverflow.com/q/14747343 and the
  // test suite of Python's mmh3 (mmh3.hash(key, seed, signed=False)).
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0', 0, 0x514e28b7],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['aa', 0x9747b28c, 0x5d211726],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['abc', 0, 0xb3dd93fa],
    ['hello', 0, 0x248bfa47],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['foo', 0, 4138058784],
    // Two-byte UTF-8 characters (π is CF 80): checks the on-the-fly encoding.
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ])('murmur3(%j, %d) = %d', (key, seed, expected) => {
    expect(murmur3(key, seed)).toBe(expected);
  });

  it('encodes astral characters and lone surrogates exactly as TextEncoder does', () => {
    // Reference: the textbook byte-oriented MurmurHash3 over TextEncoder's bytes (lone surrogates
    // become U+FFFD there), itself checked against a published vector first.
    const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
    const reference = (key: string, seed = 0): number => {
      const bytes = new TextEncoder().encode(key);
      let h = seed | 0;
      const tail = bytes.length & ~3;
      const mix = (k: number): number => Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
      for (let i = 0; i < tail; i += 4) {
        h ^= mix(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
        h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
      }
      let k = 0;
      for (let i = bytes.length - 1; i >= tail; i--) k = (k << 8) | bytes[i]!;
      if (bytes.length & 3) h ^= mix(k);
      h ^= bytes.length;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    expect(reference('ππππππππ', 0x9747b28c)).toBe(0xd58063c1);
    for (const key of ['\u{1F600}', 'x\u{1F600}yz', 'a\ud800b', '\udc00', 'end\ud83d', 'ü€𝄞', 'colour=grün']) {
      expect(murmur3(key, 42)).toBe(reference(key, 42));
    }
  });
});

describe('FeatureHasher', () => {
  it('hashes numbers by name, strings as name=value with value 1, true as 1, and skips the rest', () => {
    const h = new FeatureHasher(1 << 20);
    h.hash({ age: 42, color: 'red', member: true, off: false, none: null, nan: NaN, zero: 0 });
    const got = new Map<number, number>();
    for (let k = 0; k < h.size; k++) got.set(h.indices[k]!, h.values[k]!);
    expect(got).toEqual(
      new Map([
        [murmur3('age') % (1 << 20), 42],
        [murmur3('color=red') % (1 << 20), 1],
        [murmur3('member') % (1 << 20), 1],
      ]),
    );
  });

  it('sums colliding features into one coordinate', () => {
    // dim 1: every key lands on index 0.
    const h = new FeatureHasher(1);
    h.hash({ a: 1.5, b: 2.25, c: 'x' });
    expect(h.size).toBe(1);
    expect(h.indices[0]).toBe(0);
    expect(h.values[0]).toBe(1.5 + 2.25 + 1);
  });

  it('grows its buffers and leaves no state behind between records', () => {
    const h = new FeatureHasher(1 << 16, 7);
    const record = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i + 1]));
    h.hash(record);
    const first = Array.from(h.values.subarray(0, h.size)).reduce((a, b) => a + b, 0);
    expect(first).toBe((100 * 101) / 2);
    h.hash(record);
    expect(Array.from(h.values.subarray(0, h.size)).reduce((a, b) => a + b, 0)).toBe(first);
    expect(h.index('f0')).toBe(murmur3('f0', 7) % (1 << 16));
  });

  it('applies the value transform before dropping zeros', () => {
    const h = new FeatureHasher(64);
    h.hash({ a: 0, b: 3 }, (name, v) => (name === 'a' ? v + 5 : v - 3));
    expect(h.size).toBe(1);
    expect(h.values[0]).toBe(5);
  });
});
