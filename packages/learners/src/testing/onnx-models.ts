/**
 * Small ONNX models for tests (models cannot be downloaded here, so tests build them). Every valid
 * kit model reads one float input `input` [N, 2] whose columns are KIT_FEATURES in order, and answers
 * with plain tensors (no ZipMap): `label` int64 [N] and `probabilities` float [N, C]. The same names
 * as the linear exporter's, so a server under test maps every kit model and exported model alike.
 * The parameters are written here once; the spec recomputes the outputs by hand.
 */
import { attr, DataType, encodeModel, initializer, ML_DOMAIN, node, valueInfo, type Onnx } from '../onnx/proto.js';

export const KIT_INPUT = 'input';
/** The column order of every valid kit model's input (a version's `schema.inputs`). */
export const KIT_FEATURES = ['x0', 'x1'] as const;

interface KitGraph {
  name: string;
  nodes: Onnx.INodeProto[];
  initializers?: Onnx.ITensorProto[];
  classes: number;
  width?: number;
}

function classifierModel(g: KitGraph): Uint8Array {
  const ml = g.nodes.some((n) => n.domain === ML_DOMAIN);
  return encodeModel({
    ml,
    docString: `test model: ${g.name}`,
    graph: {
      name: g.name,
      node: g.nodes,
      initializer: g.initializers ?? [],
      input: [valueInfo(KIT_INPUT, DataType.FLOAT, ['N', g.width ?? KIT_FEATURES.length])],
      output: [valueInfo('label', DataType.INT64, ['N']), valueInfo('probabilities', DataType.FLOAT, ['N', g.classes])],
    },
  });
}

/**
 * TreeEnsembleClassifier (ai.onnx.ml), a two-tree random forest over classes 0 and 1; each leaf
 * holds the class shares of one tree divided by the number of trees, so the sums are probabilities:
 *   tree 0: x0 ≤ 0.5 → (0.8, 0.2);  else x1 ≤ 1 → (0.3, 0.7);  else (0.1, 0.9)
 *   tree 1: x1 ≤ 0   → (0.6, 0.4);  else (0.25, 0.75)
 * label = 1 when P(1) > 0.5 (no leaf combination gives exactly 0.5).
 */
export function treeEnsembleClassifierOnnx(): Uint8Array {
  // One weight per leaf, P(1), under class id 0: the binary layout of the converters, for which
  // onnxruntime answers [1 − p, p] and label p > 0.5. Weights under both ids would give label 1 on
  // every row (two classes with scores use the rule "class-1 score > 0", meant for margins), and
  // weights under id 1 alone give probabilities [0, p].
  const forest = node(
    'TreeEnsembleClassifier',
    [KIT_INPUT],
    ['label', 'probabilities'],
    [
      ...FOREST_NODES,
      attr.ints(
        'class_treeids',
        FOREST_LEAVES.map(([tree]) => tree),
      ),
      attr.ints(
        'class_nodeids',
        FOREST_LEAVES.map(([, id]) => id),
      ),
      attr.ints(
        'class_ids',
        FOREST_LEAVES.map(() => 0),
      ),
      attr.floats(
        'class_weights',
        FOREST_LEAVES.map(([, , shares]) => shares[1] / 2),
      ),
      attr.ints('classlabels_int64s', [0, 1]),
      attr.string('post_transform', 'NONE'),
    ],
    ML_DOMAIN,
  );
  return classifierModel({ name: 'tree_ensemble', nodes: [forest], classes: 2 });
}

// Node ids per tree: tree 0 = 0 (branch), 1 (leaf), 2 (branch), 3, 4 (leaves); tree 1 = 0 (branch), 1, 2.
const FOREST_NODES = [
  attr.ints('nodes_treeids', [0, 0, 0, 0, 0, 1, 1, 1]),
  attr.ints('nodes_nodeids', [0, 1, 2, 3, 4, 0, 1, 2]),
  attr.ints('nodes_featureids', [0, 0, 1, 0, 0, 1, 0, 0]),
  attr.floats('nodes_values', [0.5, 0, 1, 0, 0, 0, 0, 0]),
  attr.strings('nodes_modes', ['BRANCH_LEQ', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF']),
  attr.ints('nodes_truenodeids', [1, 0, 3, 0, 0, 1, 0, 0]),
  attr.ints('nodes_falsenodeids', [2, 0, 4, 0, 0, 2, 0, 0]),
];

/** [tree, node, class shares of that leaf]. */
const FOREST_LEAVES: readonly [tree: number, node: number, shares: readonly [number, number]][] = [
  [0, 1, [0.8, 0.2]],
  [0, 3, [0.3, 0.7]],
  [0, 4, [0.1, 0.9]],
  [1, 1, [0.6, 0.4]],
  [1, 2, [0.25, 0.75]],
];

/**
 * A 2-3-2 perceptron: h = relu(x·W1 + b1), probabilities = softmax(h·W2 + b2), label = argmax.
 *   W1 = [[1, -1, 0.5], [2, 1, -1]], b1 = [0, 0.5, -0.5]; W2 = [[1, -1], [-1, 1], [0.5, 0.5]], b2 = [0.1, -0.1]
 */
export function mlpClassifierOnnx(): Uint8Array {
  const initializers = [
    initializer('W1', DataType.FLOAT, [2, 3], [1, -1, 0.5, 2, 1, -1]),
    initializer('b1', DataType.FLOAT, [3], [0, 0.5, -0.5]),
    initializer('W2', DataType.FLOAT, [3, 2], [1, -1, -1, 1, 0.5, 0.5]),
    initializer('b2', DataType.FLOAT, [2], [0.1, -0.1]),
  ];
  const nodes = [
    node('MatMul', [KIT_INPUT, 'W1'], ['xw1']),
    node('Add', ['xw1', 'b1'], ['pre']),
    node('Relu', ['pre'], ['hidden']),
    node('MatMul', ['hidden', 'W2'], ['hw2']),
    node('Add', ['hw2', 'b2'], ['logits']),
    node('Softmax', ['logits'], ['probabilities'], [attr.int('axis', 1)]),
    node('ArgMax', ['probabilities'], ['label'], [attr.int('axis', 1), attr.int('keepdims', 0)]),
  ];
  return classifierModel({ name: 'mlp', nodes, initializers, classes: 2 });
}

/**
 * LinearClassifier (ai.onnx.ml) over classes 0, 1, 2 with softmax probabilities:
 *   scores = x·Cᵀ + b, C = [[1, 0], [0, 1], [-1, -1]], b = [0, 0.5, -0.5]; label = argmax.
 */
export function linearClassifierOnnx(): Uint8Array {
  const nodes = [linearClassifierNode([1, 0, 0, 1, -1, -1], [0, 0.5, -0.5])];
  return classifierModel({ name: 'linear_classifier', classes: 3, nodes });
}

function linearClassifierNode(coefficients: number[], intercepts: number[]): Onnx.INodeProto {
  return node(
    'LinearClassifier',
    [KIT_INPUT],
    ['label', 'probabilities'],
    [
      attr.floats('coefficients', coefficients),
      attr.floats('intercepts', intercepts),
      attr.ints(
        'classlabels_ints',
        intercepts.map((_, k) => k),
      ),
      attr.string('post_transform', 'SOFTMAX'),
    ],
    ML_DOMAIN,
  );
}

/**
 * A valid model that no kit schema fits: the same input name, outputs and classes as the tree
 * ensemble, but three input columns (a version retrained on another feature set). It loads and
 * runs; only a check of its input against the version's schema (two features) can reject it.
 */
export function schemaIncompatibleOnnx(): Uint8Array {
  const nodes = [linearClassifierNode([1, 1, 1, -1, -1, -1], [0, 0])];
  return classifierModel({ name: 'three_features', classes: 2, width: 3, nodes });
}

/** The tree ensemble cut in the middle, as an interrupted upload leaves it: not parseable. */
export function corruptOnnx(): Uint8Array {
  const bytes = treeEnsembleClassifierOnnx();
  return bytes.slice(0, bytes.length >> 1);
}
