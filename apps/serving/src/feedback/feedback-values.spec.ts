import { sampleRow } from './feedback-values.js';

const features = [{ name: 'usage', kind: 'numeric' as const }];
const softmax = (classes?: (string | number)[]) => ({
  features,
  target: 'tier',
  learner: { type: 'softmax' as const, optimizer: 'ftrl' as const, hyperparameters: {}, ...(classes ? { classes } : {}) },
});

describe('sampleRow for a softmax pipeline', () => {
  it('takes class labels (strings or integers) as targets, and only listed ones when the classes are fixed', () => {
    expect(sampleRow(softmax(), { usage: 2 }, 'gold')).toEqual({ usage: 2, tier: 'gold' });
    expect(sampleRow(softmax(), { usage: 2 }, 7)).toEqual({ usage: 2, tier: 7 });
    expect(sampleRow(softmax(), { usage: 2 }, 0.5)).toBeNull();
    expect(sampleRow(softmax(), { usage: 2 }, '')).toBeNull();
    expect(sampleRow(softmax(['gold', 'silver']), { usage: 2 }, 'silver')).toEqual({ usage: 2, tier: 'silver' });
    expect(sampleRow(softmax(['gold', 'silver']), { usage: 2 }, 'bronze')).toBeNull();
  });
});

describe('sampleRow for a Hoeffding tree pipeline', () => {
  const tree = (classes?: (string | number)[]) => ({
    features,
    target: 'tier',
    learner: { type: 'hoeffding_tree' as const, ...(classes ? { classes } : {}) },
  });

  it('takes 0/1 (or a boolean) without classes, and only its listed class labels with them', () => {
    expect(sampleRow(tree(), { usage: 2 }, true)).toEqual({ usage: 2, tier: 1 });
    expect(sampleRow(tree(), { usage: 2 }, 'gold')).toBeNull();
    expect(sampleRow(tree(['gold', 'silver', 3]), { usage: 2 }, 'silver')).toEqual({ usage: 2, tier: 'silver' });
    expect(sampleRow(tree(['gold', 'silver', 3]), { usage: 2 }, 3)).toEqual({ usage: 2, tier: 3 });
    expect(sampleRow(tree(['gold', 'silver', 3]), { usage: 2 }, 1)).toBeNull();
    expect(sampleRow(tree(['gold', 'silver', 3]), { usage: 2 }, 'bronze')).toBeNull();
  });
});
