/**
 * Hoeffding tree classifier (VFDT; Domingos & Hulten 2000, "Mining high-speed data streams", KDD),
 * learning one sample at a time with memory bounded by `maxLeaves` and `maxDepth`.
 *
 * A leaf attempts a split after every `gracePeriod` samples it has seen (and only when it has seen
 * two classes). It splits on the attribute with the best information gain G₁ when G₁ − G₂ > ε, G₂
 * the second best, or when ε < τ (a tie: both are nearly as good, so waiting longer is pointless),
 * ε = √(R² ln(1/δ) / 2n) with R = log₂(classes) and n the leaf's weight (split-criterion.ts). The
 * "do not split" option is Domingos & Hulten's null attribute X∅ with gain 0, so a lone candidate
 * must beat 0 by ε (MOA scores X∅ −∞ under information gain and would split on it at once).
 * Numeric attributes use per-class Gaussian approximations and nominal ones value counts
 * (observers.ts, as MOA's and River's defaults).
 *
 * Leaf prediction, option `leafPrediction`:
 * - 'mc': the leaf's class frequencies (majority class);
 * - 'nb': naive Bayes over the leaf's observers;
 * - 'nba' (default, as MOA and River): naive Bayes adaptive (Gama, Rocha & Medas 2003; MOA's
 *   LearningNodeNBAdaptive): each leaf counts how often either would have been right on the samples
 *   it learned (tested before learning) and uses naive Bayes unless the majority class did strictly
 *   better. Naive Bayes needs an active leaf with weight ≥ `nbThreshold`; otherwise 'mc' is used.
 * Naive Bayes is computed in log space, so many attributes cannot underflow the product to 0.
 *
 * Memory: only active leaves hold observers (O(attributes × classes) each). A leaf at `maxDepth`, or
 * whose split would bring the tree past `maxLeaves` leaves, is deactivated: it drops its observers and
 * predicts by majority class from then on (a simple form of MOA's leaf deactivation).
 */
import { exp, F64, log } from '../globals.js';
import type { FeatureRecord } from '../hash.js';
import { InputSchema, type InputSchemaState } from './input-schema.js';
import { branchOf, newLeaf, nodeFromJSON, nodeToJSON, sum, type Leaf, type Node, type NodeState, type Split } from './nodes.js';
import { GaussianObserver, NominalObserver, type SplitCandidate } from './observers.js';
import { hoeffdingBound, informationGainRange } from './split-criterion.js';

export type TreeFeatures = Float64Array | FeatureRecord;
export type LeafPrediction = 'mc' | 'nb' | 'nba';

export interface HoeffdingTreeOptions {
  /** Classes; labels are the integers 0 … classes − 1. Default 2. */
  classes?: number;
  /** Samples a leaf sees between split attempts (n_min). Default 200 (MOA, River). */
  gracePeriod?: number;
  /** δ, one minus the confidence of a split decision. Default 1e-7 (MOA, River). */
  delta?: number;
  /** τ, the tie threshold. Default 0.05 (MOA, River). */
  tau?: number;
  /** Default 'nba'. */
  leafPrediction?: LeafPrediction;
  /** Weight a leaf needs before naive Bayes predicts. Default 0. */
  nbThreshold?: number;
  /** Candidate thresholds per numeric attribute (MOA's numBins). Default 10. */
  numericSplits?: number;
  /** A split must put more than this share of the weight in at least two branches. Default 0.01 (MOA). */
  minBranchFraction?: number;
  /** Depth (root 0) at which leaves stop splitting. Default 20, at most 64. */
  maxDepth?: number;
  /** Most leaves the tree may have. Default 1000. */
  maxLeaves?: number;
}

export type ResolvedTreeOptions = Required<HoeffdingTreeOptions>;

export interface HoeffdingTreeState {
  format: 'modelyard.hoeffding-tree';
  version: 1;
  kind: 'hoeffding_tree';
  options: ResolvedTreeOptions;
  samplesSeen: number;
  leaves: number;
  schema: InputSchemaState;
  root: NodeState;
}

const MAX_DEPTH_LIMIT = 64;

function int(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}

function real(name: string, v: number, lo: number, hi: number, open = false): number {
  if (!(open ? v > lo : v >= lo) || !(v <= hi)) throw new RangeError(`${name} must be in ${open ? '(' : '['}${lo}, ${hi}], got ${v}`);
  return v;
}

export function resolveTreeOptions(o: HoeffdingTreeOptions = {}): ResolvedTreeOptions {
  const leafPrediction = o.leafPrediction ?? 'nba';
  if (leafPrediction !== 'mc' && leafPrediction !== 'nb' && leafPrediction !== 'nba')
    throw new RangeError(`leafPrediction must be mc, nb or nba, got ${String(leafPrediction)}`);
  return {
    classes: int('classes', o.classes ?? 2, 2, 1000),
    gracePeriod: int('gracePeriod', o.gracePeriod ?? 200, 1, 1e9),
    delta: real('delta', o.delta ?? 1e-7, 0, 1, true),
    tau: real('tau', o.tau ?? 0.05, 0, 1),
    leafPrediction,
    nbThreshold: real('nbThreshold', o.nbThreshold ?? 0, 0, 1e15),
    numericSplits: int('numericSplits', o.numericSplits ?? 10, 1, 1000),
    minBranchFraction: real('minBranchFraction', o.minBranchFraction ?? 0.01, 0, 0.5),
    maxDepth: int('maxDepth', o.maxDepth ?? 20, 0, MAX_DEPTH_LIMIT),
    maxLeaves: int('maxLeaves', o.maxLeaves ?? 1000, 1, 1e6),
  };
}

export class HoeffdingTreeClassifier {
  readonly kind = 'hoeffding_tree';
  readonly options: ResolvedTreeOptions;
  readonly classes: number;
  samplesSeen = 0;
  private root: Node;
  private leaves = 1;
  private schema = new InputSchema();
  // Where the last sort ended: the leaf's parent and the branch it hangs from (null at the root).
  private parent: Split | null = null;
  private branch = -1;
  private readonly scratch: Float64Array;

  constructor(options: HoeffdingTreeOptions = {}) {
    this.options = resolveTreeOptions(options);
    this.classes = this.options.classes;
    this.root = newLeaf(0, new F64(this.classes));
    this.scratch = new F64(this.classes);
  }

  get leafCount(): number {
    return this.leaves;
  }

  /** The input length of a tree that learned dense vectors; null for records (or before learning). */
  get denseDim(): number | null {
    return this.schema.mode === 'dense' ? this.schema.dim : null;
  }

  /** Depth of the deepest leaf (0 for a lone root). */
  get depth(): number {
    const walk = (n: Node): number => (n.type === 'leaf' ? n.depth : Math.max(...n.children.map(walk)));
    return walk(this.root);
  }

  learnOne(x: TreeFeatures, y: number): void {
    if (!Number.isInteger(y) || y < 0 || y >= this.classes)
      throw new RangeError(`labels are integers in [0, ${this.classes - 1}], got ${y}`);
    const v = this.schema.encode(x, true);
    const leaf = this.sort(v);
    if (leaf.observers !== null && this.options.leafPrediction === 'nba') {
      if (argmax(leaf.counts) === y) leaf.mcCorrect++;
      if (this.naiveBayes(leaf, v, this.scratch) && argmax(this.scratch) === y) leaf.nbCorrect++;
    }
    leaf.counts[y]!++;
    this.samplesSeen++;
    if (leaf.observers === null) return;
    this.observe(leaf.observers, v, y);
    if (leaf.depth >= this.options.maxDepth) {
      leaf.observers = null;
      return;
    }
    const weight = sum(leaf.counts);
    if (weight - leaf.lastAttempt < this.options.gracePeriod) return;
    leaf.lastAttempt = weight;
    this.attemptSplit(leaf, this.parent, this.branch);
  }

  learnMany(xs: readonly TreeFeatures[], ys: ArrayLike<number>): void {
    if (xs.length !== ys.length) throw new RangeError(`${xs.length} inputs but ${ys.length} targets`);
    for (let k = 0; k < xs.length; k++) this.learnOne(xs[k]!, ys[k]!);
  }

  /** Class probabilities (votes of the leaf x falls in, normalised; uniform before any learning). */
  predictProba(x: TreeFeatures): Float64Array {
    const v = this.schema.encode(x, false);
    const leaf = this.sort(v);
    const out = new F64(this.classes);
    if (!this.useNaiveBayes(leaf) || !this.naiveBayes(leaf, v, out)) out.set(leaf.counts);
    const total = sum(out);
    for (let c = 0; c < out.length; c++) out[c] = total > 0 ? out[c]! / total : 1 / this.classes;
    return out;
  }

  /** P(y = 1 | x) of a binary tree (what the binary metrics take). */
  predictProbaOne(x: TreeFeatures): number {
    if (this.classes !== 2) throw new TypeError('predictProbaOne is for binary trees; use predictProba');
    return this.predictProba(x)[1]!;
  }

  /** The most probable class; ties go to the lowest label. */
  predictOne(x: TreeFeatures): number {
    return argmax(this.predictProba(x));
  }

  toJSON(): HoeffdingTreeState {
    return {
      format: 'modelyard.hoeffding-tree',
      version: 1,
      kind: this.kind,
      options: { ...this.options },
      samplesSeen: this.samplesSeen,
      leaves: this.leaves,
      schema: this.schema.toJSON(),
      root: nodeToJSON(this.root),
    };
  }

  static fromJSON(state: HoeffdingTreeState): HoeffdingTreeClassifier {
    if (state?.format !== 'modelyard.hoeffding-tree' || state.version !== 1)
      throw new TypeError('not a modelyard Hoeffding tree state (version 1)');
    const tree = new HoeffdingTreeClassifier(state.options);
    tree.schema = InputSchema.fromJSON(state.schema);
    tree.root = nodeFromJSON(state.root, tree.classes, tree.schema.size, tree.options.maxDepth);
    tree.samplesSeen = state.samplesSeen;
    tree.leaves = countLeaves(tree.root);
    if (tree.leaves !== state.leaves) throw new TypeError('tree state: leaf count does not match the tree');
    return tree;
  }

  private sort(v: Float64Array): Leaf {
    let node = this.root;
    this.parent = null;
    this.branch = -1;
    while (node.type === 'split') {
      const b = branchOf(node, node.attribute < v.length ? v[node.attribute]! : NaN);
      this.parent = node;
      this.branch = b;
      node = node.children[b]!;
    }
    return node;
  }

  private observe(observers: (GaussianObserver | NominalObserver | undefined)[], v: Float64Array, y: number): void {
    for (let i = 0; i < v.length; i++) {
      const value = v[i]!;
      if (value !== value || (value < 0 && this.schema.kind(i) === 'nominal')) continue;
      let o = observers[i];
      if (o === undefined) {
        o = this.schema.kind(i) === 'numeric' ? new GaussianObserver(this.classes) : new NominalObserver(this.classes);
        observers[i] = o;
      }
      o.update(value, y, 1);
    }
  }

  private useNaiveBayes(leaf: Leaf): boolean {
    const { leafPrediction, nbThreshold } = this.options;
    if (leafPrediction === 'mc' || leaf.observers === null || sum(leaf.counts) < nbThreshold) return false;
    return leafPrediction === 'nb' || leaf.mcCorrect <= leaf.nbCorrect;
  }

  /**
   * Naive Bayes votes P(c) Π_i p(x_i | c), normalised, into `out`; false when every class has
   * probability 0 (then the caller uses the class counts).
   */
  private naiveBayes(leaf: Leaf, v: Float64Array, out: Float64Array): boolean {
    const observers = leaf.observers!;
    const total = sum(leaf.counts);
    if (!(total > 0)) return false;
    let best = -Infinity;
    for (let c = 0; c < this.classes; c++) {
      let s = log(leaf.counts[c]! / total);
      for (let i = 0; i < observers.length && s > -Infinity; i++) {
        const o = observers[i];
        const value = i < v.length ? v[i]! : NaN;
        if (o !== undefined && value === value) s += o.logDensity(value, c);
      }
      out[c] = s;
      if (s > best) best = s;
    }
    if (best === -Infinity) return false;
    for (let c = 0; c < this.classes; c++) out[c] = exp(out[c]! - best);
    return true;
  }

  private attemptSplit(leaf: Leaf, parent: Split | null, branch: number): void {
    let seen = 0;
    for (let c = 0; c < this.classes; c++) if (leaf.counts[c]! > 0) seen++;
    if (seen < 2) return;
    const { numericSplits, minBranchFraction, delta, tau, maxLeaves } = this.options;
    const candidates: (SplitCandidate & { attribute: number })[] = [];
    leaf.observers!.forEach((o, attribute) => {
      const c = o?.bestSplit(leaf.counts, numericSplits, minBranchFraction);
      if (c && c.merit > -Infinity) candidates.push({ ...c, attribute });
    });
    candidates.sort((a, b) => b.merit - a.merit);
    const best = candidates[0];
    if (best === undefined || !(best.merit > 0)) return;
    const second = Math.max(candidates[1]?.merit ?? 0, 0);
    const epsilon = hoeffdingBound(informationGainRange(this.classes), delta, sum(leaf.counts));
    if (!(best.merit - second > epsilon || epsilon < tau)) return;
    const width = best.branches.length;
    if (this.leaves + width - 1 > maxLeaves) {
      leaf.observers = null;
      return;
    }
    const children = best.branches.map((counts) => newLeaf(leaf.depth + 1, counts));
    const split: Split = {
      type: 'split',
      depth: leaf.depth,
      counts: leaf.counts,
      attribute: best.attribute,
      threshold: best.codes.length > 0 ? NaN : best.threshold,
      codes: best.codes,
      missing: argmax(Float64Array.from(best.branches, sum)),
      children,
    };
    if (parent === null) this.root = split;
    else parent.children[branch] = split;
    this.leaves += width - 1;
  }
}

function argmax(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

function countLeaves(n: Node): number {
  return n.type === 'leaf' ? 1 : n.children.reduce((s, c) => s + countLeaves(c), 0);
}
