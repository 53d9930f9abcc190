// Prisma's client builds, at construction, a "parameterization graph" from a string table and a
// binary blob in the generated client (config.parameterizationSchema). Each of its ~3,000 nodes keeps
// its edges in a plain object keyed by string-table index (`edges[37]`, `edges[1088]`…). V8 stores a
// young object's integer keys in a flat array sized to the largest key plus half as long as each new
// key is less than 1,024 past the array's end (JSObject::kMaxGap): an object with three edges, keyed
// up to 1,094, takes 13 KB. For our schema that was up to 12.6 MB of mostly empty slots per process.
//
// `generate` puts PADDING empty strings before the string table and shifts every index in the graph
// by as much, so every key is at least 1,024: V8 then keeps each node's edges in a hash table (a few
// hundred bytes). Lookups are by the same names and give the same edges; Prisma's runtime is not
// changed. A graph this decoder does not read back byte for byte (a new Prisma format) fails
// `generate` instead of being rewritten wrongly.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PADDING = 1024;

class Reader {
  #view;
  #at = 0;
  constructor(buf) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get done() {
    return this.#at === this.#view.byteLength;
  }
  varint() {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = this.#view.getUint8(this.#at++);
      value |= (byte & 127) << shift;
      shift += 7;
    } while (byte >= 128);
    return value;
  }
  // Prisma writes an absent id as 0 and an id n as n + 1.
  optional() {
    const v = this.varint();
    return v === 0 ? undefined : v - 1;
  }
  u8() {
    return this.#view.getUint8(this.#at++);
  }
  u16() {
    const v = this.#view.getUint16(this.#at, true);
    this.#at += 2;
    return v;
  }
}

class Writer {
  bytes = [];
  varint(value) {
    let v = value;
    while (v >= 128) {
      this.bytes.push((v & 127) | 128);
      v >>>= 7;
    }
    this.bytes.push(v);
  }
  optional(v) {
    this.varint(v === undefined ? 0 : v + 1);
  }
  u8(v) {
    this.bytes.push(v);
  }
  u16(v) {
    this.bytes.push(v & 255, v >>> 8);
  }
}

const readList = (r, count, readItem) => Array.from({ length: count }, () => readItem(r));
const readEdges = (r, readEdge) => readList(r, r.varint(), readEdge);

/** The graph blob (base64url) as lists, in the order and with the fields of Prisma 7.10's deserializer. */
export function decodeGraph(graph) {
  const r = new Reader(Buffer.from(graph, 'base64url'));
  const [inputCount, outputCount, rootCount] = [r.varint(), r.varint(), r.varint()];
  const inputEdge = (rd) => ({ key: rd.varint(), mask: rd.u16(), child: rd.optional(), enumName: rd.optional(), flags: rd.u8() });
  const outputEdge = (rd) => ({ key: rd.varint(), args: rd.optional(), output: rd.optional() });
  const decoded = {
    inputNodes: readList(r, inputCount, (rd) => readEdges(rd, inputEdge)),
    outputNodes: readList(r, outputCount, (rd) => readEdges(rd, outputEdge)),
    roots: readList(r, rootCount, (rd) => ({ key: rd.varint(), args: rd.optional(), output: rd.optional() })),
  };
  if (!r.done) throw new Error('parameterization graph: bytes left after the roots (unknown format)');
  return decoded;
}

export function encodeGraph({ inputNodes, outputNodes, roots }) {
  const w = new Writer();
  [inputNodes.length, outputNodes.length, roots.length].forEach((n) => w.varint(n));
  for (const edges of inputNodes) {
    w.varint(edges.length);
    for (const e of edges) {
      w.varint(e.key);
      w.u16(e.mask);
      w.optional(e.child);
      w.optional(e.enumName);
      w.u8(e.flags);
    }
  }
  const writeOutputEdge = (e) => {
    w.varint(e.key);
    w.optional(e.args);
    w.optional(e.output);
  };
  for (const edges of outputNodes) {
    w.varint(edges.length);
    edges.forEach(writeOutputEdge);
  }
  roots.forEach(writeOutputEdge);
  return Buffer.from(w.bytes).toString('base64url');
}

/** Every string-table index in the graph moved by `by` (edge keys, enum names, root names). */
export function shiftGraph(decoded, by) {
  const shift = (i) => (i === undefined ? undefined : i + by);
  return {
    inputNodes: decoded.inputNodes.map((edges) => edges.map((e) => ({ ...e, key: e.key + by, enumName: shift(e.enumName) }))),
    outputNodes: decoded.outputNodes.map((edges) => edges.map((e) => ({ ...e, key: e.key + by }))),
    roots: decoded.roots.map((root) => ({ ...root, key: root.key + by })),
  };
}

/**
 * The schema with PADDING empty strings first and the graph's indices shifted to match. Empty
 * strings are safe padding: Prisma maps a name to its last index, so a real "" (none today) would
 * still find its own entry.
 */
export function padParameterizationSchema({ strings, graph }) {
  if (encodeGraph(decodeGraph(graph)) !== graph) throw new Error('parameterization graph: not read back identically (unknown format)');
  return {
    strings: [...Array(PADDING).fill(''), ...strings],
    graph: encodeGraph(shiftGraph(decodeGraph(graph), PADDING)),
  };
}

const isPadded = (strings) => strings.length >= PADDING && strings.slice(0, PADDING).every((s) => s === '');

// The generated assignment, exactly as Prisma 7.10 writes it.
const ASSIGNMENT =
  /config\.parameterizationSchema = \{\n {2}strings: JSON\.parse\(("(?:[^"\\]|\\.)*")\),\n {2}graph: "([A-Za-z0-9_-]*)"\n\}/;

export function patchGeneratedClass(source) {
  const match = ASSIGNMENT.exec(source);
  if (!match) throw new Error("Prisma's parameterization schema is not the expected assignment");
  const schema = { strings: JSON.parse(JSON.parse(match[1])), graph: match[2] };
  if (isPadded(schema.strings)) return source;
  const padded = padParameterizationSchema(schema);
  const replacement =
    '// Padded by packages/db/scripts/param-graph.mjs: string indices from 1,024 up keep V8 from\n' +
    '// giving each graph node a flat array as long as its largest index.\n' +
    `config.parameterizationSchema = {\n  strings: JSON.parse(${JSON.stringify(JSON.stringify(padded.strings))}),\n` +
    `  graph: "${padded.graph}"\n}`;
  return source.replace(match[0], () => replacement);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const CLASS = join(dirname(fileURLToPath(import.meta.url)), '..', 'src/generated/internal/class.ts');
  writeFileSync(CLASS, patchGeneratedClass(readFileSync(CLASS, 'utf8')));
}
