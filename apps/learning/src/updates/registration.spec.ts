import { decodeOnnxModel, LogisticRegression } from '@modelyard/learners';
import type { Stage } from '@modelyard/types';
import { pipelineFixture } from '../test/fixtures.js';
import { needsMove, onnxArtifact, versionBody, type Candidate } from './registration.js';

describe('stage move after registration', () => {
  it.each<[string, Stage, boolean]>([
    ['draft', 'staging', true],
    ['testing', 'staging', true],
    ['staging', 'staging', false],
    ['production', 'staging', false],
    ['archived', 'staging', false],
    ['failed', 'testing', false],
    ['draft', 'draft', false],
    ['draft', 'testing', true],
  ])('%s → %s: %s', (current, target, expected) => {
    expect(needsMove(current, target)).toBe(expected);
  });
});

describe('version body', () => {
  const pipeline = pipelineFixture();
  const dataset = `learning:${pipeline.id}/samples/300-400`;
  const candidate = (change: Partial<Candidate>): Candidate => ({
    pipeline,
    seq: 3,
    reason: 'samples',
    model: new LogisticRegression({ dim: 8, optimizer: 'ftrl', alpha: 0.2 }),
    metrics: { accuracy: 0.75, roc_auc: NaN },
    gate: { ...pipeline.gate, candidate: 0.5, production: null, productionVersion: null, passed: true, reason: 'ok' },
    samples: 100,
    samplesSeen: 400n,
    fromSample: 300,
    parentVersion: '1.0.2',
    ...change,
  });

  const trainingInfo = {
    pipeline: 'churn',
    pipelineId: pipeline.id,
    update: 3,
    reason: 'samples',
    samples: 100,
    samplesSeen: 400,
    fromSample: 300,
    toSample: 400,
    holdout: 20,
  };

  it('keeps finite metrics, adds the hold-out metric and the counts, and records the lineage', () => {
    const body = versionBody(candidate({}));
    expect(body.metrics).toEqual({ accuracy: 0.75, holdout_accuracy: 0.5, samples: 100, samples_seen: 400 });
    expect(body.trainingInfo).toEqual(trainingInfo);
    expect(body.lineage).toEqual({ parentVersion: '1.0.2', pipelineId: pipeline.id, dataset });
    expect(body.outputSchema).toEqual({ target: 'y', type: 'logistic_regression' });
  });

  it('records no parent on a first or reset run', () => {
    expect(versionBody(candidate({ parentVersion: null })).lineage).toEqual({ pipelineId: pipeline.id, dataset });
  });

  it('records the report of a drift run', () => {
    const body = versionBody(candidate({ reason: 'drift', driftReportId: 'r-1' }));
    expect(body.trainingInfo).toEqual({ ...trainingInfo, reason: 'drift', driftReportId: 'r-1' });
  });
});

describe('ONNX artifact', () => {
  const candidate = (features: Candidate['pipeline']['features']): Candidate => {
    const model = new LogisticRegression({ dim: 16 });
    model.learnOne({ a: 1.5, flag: true }, 1);
    const pipeline = pipelineFixture({ features });
    const verdict = { candidate: null, production: null, productionVersion: null, passed: true, reason: '' };
    const gate = { ...pipeline.gate, ...verdict };
    const counts = { samples: 1, samplesSeen: 1n, fromSample: 0 };
    return { pipeline, seq: 1, reason: 'manual', model, metrics: {}, gate, ...counts, parentVersion: null };
  };

  it("exports the model with the pipeline's features as the input's columns, in order", () => {
    const bytes = onnxArtifact(
      candidate([
        { name: 'flag', kind: 'boolean' },
        { name: 'a', kind: 'numeric' },
      ]),
    );
    const decoded = decodeOnnxModel(bytes!);
    const metadata = new Map(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(metadata.get('modelyard.features')).toBe('["flag","a"]');
    expect(metadata.get('modelyard.input')).toBe('records');
    expect(decoded.graph!.output!.map((o) => o.name)).toEqual(['label', 'probabilities']);
  });

  it('is null for a pipeline with a categorical feature (model.json alone serves it)', () => {
    expect(
      onnxArtifact(
        candidate([
          { name: 'a', kind: 'numeric' },
          { name: 'plan', kind: 'categorical' },
        ]),
      ),
    ).toBeNull();
  });
});
