/**
 * Nodes of a Hoeffding tree and their JSON form.
 *
 * A leaf keeps its class counts (including those inherited from the split that made it, as MOA's
 * newLearningNode(resultingClassDistribution)); an active leaf also keeps one observer per
 * attribute and may split, an inactive one (depth or leaf budget reached) only counts classes.
 * A split node routes on one attribute: numeric `x ≤ threshold` to child 0, else child 1; nominal
 * one child per value code. A missing value, or a nominal value the split has no branch for, goes
 * to `missing`, the branch that held the most weight when the split was made.
 */
import { decodeFloats, encodeFloats, type EncodedFloats } from '../float-codec.js';
import { observerFromJSON, type Observer, type ObserverState } from './observers.js';

export interface Leaf {
  readonly type: 'leaf';
  readonly depth: number;
  readonly counts: Float64Array;
  /** Per attribute (undefined until a value is seen); null once the leaf is inactive. */
  observers: (Observer | undefined)[] | null;
  /** Weight seen when a split was last attempted (MOA's weightSeenAtLastSplitEvaluation). */
  lastAttempt: number;
  /** Naive Bayes adaptive: weight the majority class and naive Bayes would have got right. */
  mcCorrect: number;
  nbCorrect: number;
}

export interface Split {
  readonly type: 'split';
  readonly depth: number;
  readonly counts: Float64Array;
  readonly attribute: number;
  /** Numeric split: x ≤ threshold goes to child 0; NaN for a nominal split. */
  readonly threshold: number;
  /** Nominal split: the value code of each child; empty for a numeric split. */
  readonly codes: readonly number[];
  readonly missing: number;
  readonly children: Node[];
}

export type Node = Leaf | Split;

export function newLeaf(depth: number, counts: Float64Array): Leaf {
  return { type: 'leaf', depth, counts, observers: [], lastAttempt: sum(counts), mcCorrect: 0, nbCorrect: 0 };
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** The child a value goes to (NaN is missing). */
export function branchOf(node: Split, v: number): number {
  if (v !== v) return node.missing;
  if (node.codes.length === 0) return v <= node.threshold ? 0 : 1;
  const b = node.codes.indexOf(v);
  return b < 0 ? node.missing : b;
}

export type NodeState =
  | {
      leaf: {
        depth: number;
        counts: EncodedFloats;
        observers: (ObserverState | null)[] | null;
        lastAttempt: number;
        mcCorrect: number;
        nbCorrect: number;
      };
    }
  | {
      split: {
        depth: number;
        counts: EncodedFloats;
        attribute: number;
        threshold: EncodedFloats;
        codes: number[];
        missing: number;
        children: NodeState[];
      };
    };

export function nodeToJSON(node: Node): NodeState {
  const counts = encodeFloats(node.counts);
  if (node.type === 'leaf') {
    const { depth, lastAttempt, mcCorrect, nbCorrect } = node;
    const observers = node.observers === null ? null : node.observers.map((o) => (o ? o.toJSON() : null));
    return { leaf: { depth, counts, observers, lastAttempt, mcCorrect, nbCorrect } };
  }
  const { depth, attribute, missing } = node;
  const threshold = encodeFloats(Float64Array.of(node.threshold));
  return { split: { depth, counts, attribute, threshold, codes: [...node.codes], missing, children: node.children.map(nodeToJSON) } };
}

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** A node from its JSON form; checks what the tree relies on (sizes, indices) and throws TypeError. */
export function nodeFromJSON(s: NodeState, classes: number, attributes: number, maxDepth: number): Node {
  if ('leaf' in s) {
    const l = s.leaf;
    if (!isInt(l.depth, 0, maxDepth)) throw new TypeError('tree state: leaf depth out of range');
    if (l.observers !== null && (!Array.isArray(l.observers) || l.observers.length > attributes))
      throw new TypeError('tree state: more observers than attributes');
    const leaf = newLeaf(l.depth, decodeFloats(l.counts, classes));
    leaf.observers = l.observers === null ? null : l.observers.map((o) => (o === null ? undefined : observerFromJSON(o, classes)));
    leaf.lastAttempt = l.lastAttempt;
    leaf.mcCorrect = l.mcCorrect;
    leaf.nbCorrect = l.nbCorrect;
    return leaf;
  }
  if (!('split' in s)) throw new TypeError('tree state: a node is neither a leaf nor a split');
  const p = s.split;
  const nominal = p.codes.length > 0;
  const width = nominal ? p.codes.length : 2;
  if (!isInt(p.depth, 0, maxDepth - 1) || !isInt(p.attribute, 0, attributes - 1)) throw new TypeError('tree state: split out of range');
  if (!Array.isArray(p.children) || p.children.length !== width || !isInt(p.missing, 0, width - 1))
    throw new TypeError('tree state: split children do not match its test');
  const children = p.children.map((c) => nodeFromJSON(c, classes, attributes, maxDepth));
  if (children.some((c) => c.depth !== p.depth + 1)) throw new TypeError('tree state: child depth is not parent depth + 1');
  const threshold = decodeFloats(p.threshold, 1)[0]!;
  return {
    type: 'split',
    depth: p.depth,
    counts: decodeFloats(p.counts, classes),
    attribute: p.attribute,
    threshold,
    codes: p.codes,
    missing: p.missing,
    children,
  };
}
