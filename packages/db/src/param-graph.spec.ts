import { readFileSync } from 'node:fs';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  decodeGraph,
  encodeGraph,
  PADDING,
  padParameterizationSchema,
  patchGeneratedClass,
  shiftGraph,
  type DecodedGraph,
} from '../scripts/param-graph.mjs';

const CLASS = new URL('./generated/internal/class.ts', import.meta.url);

function generatedSchema() {
  const source = readFileSync(CLASS, 'utf8');
  const strings = /strings: JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(source)![1]!;
  return { source, strings: JSON.parse(JSON.parse(strings) as string) as string[], graph: /graph: "([\w-]*)"/.exec(source)![1]! };
}

// A one-edge input node, a one-edge output node and a root, written out by hand from the reads of
// Prisma 7.10's deserializer (runtime/client.js): counts and keys as LEB128 varints, the scalar mask
// as a little-endian uint16, an absent id as 0 and id n as n + 1, the flags as one byte.
const SMALL: DecodedGraph = {
  inputNodes: [[{ key: 3, mask: 0x0102, child: undefined, enumName: 0, flags: 5 }]],
  outputNodes: [[{ key: 1, args: 0, output: undefined }]],
  roots: [{ key: 2, args: undefined, output: 0 }],
};
const SMALL_BYTES = [1, 1, 1, 1, 3, 0x02, 0x01, 0, 1, 5, 1, 1, 1, 0, 2, 0, 1];

describe('parameterization graph padding', () => {
  it('encodes and decodes the format byte for byte', () => {
    expect([...Buffer.from(encodeGraph(SMALL), 'base64url')]).toEqual(SMALL_BYTES);
    expect(decodeGraph(Buffer.from(SMALL_BYTES).toString('base64url'))).toEqual(SMALL);
  });

  it('moves every string index (edge keys, enum names, roots) and nothing else', () => {
    const bytes = [...Buffer.from(encodeGraph(shiftGraph(SMALL, PADDING)), 'base64url')];
    // 1027 = 0x83 0x08, 1024 = 0x80 0x08 (enum name 0 → written 1025 = 0x81 0x08), 1025, 1026.
    expect(bytes).toEqual([1, 1, 1, 1, 0x83, 0x08, 0x02, 0x01, 0, 0x81, 0x08, 5, 1, 0x81, 0x08, 1, 0, 0x82, 0x08, 0, 1]);
  });

  it('refuses a graph it does not read back exactly', () => {
    const trailing = Buffer.from([...SMALL_BYTES, 7]).toString('base64url');
    expect(() => padParameterizationSchema({ strings: ['a', 'b', 'c', 'd'], graph: trailing })).toThrow(/unknown format/);
  });

  it('leaves the generated client padded, with every name at its old index plus the padding', () => {
    const { source, strings, graph } = generatedSchema();
    expect(strings.slice(0, PADDING).every((s) => s === '')).toBe(true);
    const padded = decodeGraph(graph);
    const keys = [...padded.inputNodes.flat(), ...padded.outputNodes.flat(), ...padded.roots].map((e) => e.key);
    expect(Math.min(...keys)).toBeGreaterThanOrEqual(PADDING);
    // Unpadded back and padded again gives the same graph; patching the file twice changes nothing.
    const original = { strings: strings.slice(PADDING), graph: encodeGraph(shiftGraph(padded, -PADDING)) };
    expect(padParameterizationSchema(original)).toEqual({ strings, graph });
    expect(patchGeneratedClass(source)).toBe(source);
    expect(strings).toContain('where');
  });

  it('keeps the edges V8 builds from it small (as Prisma builds them: {} then edges[key] = edge)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = (decoded: DecodedGraph) => {
      gc();
      const before = getHeapStatistics().used_heap_size;
      const nodes = decoded.inputNodes.map((edges) => {
        const byKey: Record<number, object> = {};
        for (const e of edges) byKey[e.key] = { flags: e.flags };
        return byKey;
      });
      gc();
      const after = getHeapStatistics().used_heap_size;
      expect(nodes.length).toBe(decoded.inputNodes.length);
      return (after - before) / 2 ** 20;
    };
    const padded = decodeGraph(generatedSchema().graph);
    const unpaddedMb = retained(shiftGraph(padded, -PADDING));
    const paddedMb = retained(padded);
    // Measured on Node 20 (V8 11.3), input nodes only: 12.7 MB unpadded, 1.6 MB padded.
    expect(unpaddedMb).toBeGreaterThan(6);
    expect(paddedMb).toBeLessThan(unpaddedMb / 4);
  });
});
