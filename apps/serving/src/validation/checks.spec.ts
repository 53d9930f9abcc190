import { LoadError, type VersionDescriptor } from '../models/loaded-version.js';
import { metricFloorsCheck, monitorFeaturesCheck, percentile } from './checks.js';
import { loadFailureReport } from './failure-report.js';

describe('validation checks', () => {
  it('percentile is nearest-rank', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100), percentile([], 50)]).toEqual([10, 20, 20, 0]);
  });

  it('metric floors: each declared metric must reach its floor', () => {
    expect(metricFloorsCheck({ auc: 0.8 }, {})).toMatchObject({ status: 'skipped' });
    expect(metricFloorsCheck({ auc: 0.8, f1: 0.5 }, { metricFloors: { auc: 0.75, f1: 0.5 } })).toMatchObject({
      status: 'passed',
      detail: 'auc 0.8 ≥ 0.75, f1 0.5 ≥ 0.5',
    });
    expect(metricFloorsCheck({ auc: 0.7 }, { metricFloors: { auc: 0.75, recall: 0.1, constructor: 'x' } })).toMatchObject({
      status: 'failed',
      detail:
        'auc 0.7 is below its floor 0.75; recall: the version has no value (floor 0.1); config.metricFloors.constructor is not a number',
    });
    expect(metricFloorsCheck({}, { metricFloors: [1] })).toMatchObject({ status: 'failed' });
  });

  it('monitor features must be inputs of a kind the monitor tests', () => {
    const features = [
      { name: 'x0', kind: 'numeric' as const },
      { name: 'plan', kind: 'categorical' as const },
      { name: 'flag', kind: 'boolean' as const },
    ];
    const monitor = (...f: [string, 'numeric' | 'categorical'][]) => ({ name: 'm', features: f.map(([name, kind]) => ({ name, kind })) });
    expect(monitorFeaturesCheck(features, [monitor(['x0', 'numeric'], ['flag', 'categorical'])]).status).toBe('passed');
    expect(monitorFeaturesCheck(features, [monitor(['plan', 'numeric'], ['toString', 'numeric'])])).toMatchObject({
      status: 'failed',
      value: 2,
      detail:
        "monitor 'm' treats 'plan' as numeric, the input schema says categorical; monitor 'm' watches 'toString', which is not an input of this version",
    });
    expect(monitorFeaturesCheck(features, 'drift is down')).toEqual({
      name: 'monitor_features',
      status: 'skipped',
      detail: 'drift is down',
    });
    expect(monitorFeaturesCheck(null, [monitor(['x0', 'numeric'])]).status).toBe('skipped');
  });

  it('a version that fails to load gets a failed report at the failing step; a download failure gets none', () => {
    const d = {
      model: 'm',
      version: '1.0.0',
      format: 'onnx',
      artifact: 'model.onnx',
      sha256: 'a'.repeat(64),
      size: 10,
    } as VersionDescriptor;
    const report = loadFailureReport(d, new LoadError('schema', 'takes 3 columns'));
    expect(report).toMatchObject({ status: 'failed', validator: 'serving', artifact: { path: 'model.onnx', sha256: d.sha256 } });
    expect(report!.checks.map((c) => [c.name, c.status])).toEqual([
      ['artifact_loads', 'passed'],
      ['input_schema', 'failed'],
      ['smoke_run', 'skipped'],
    ]);
    expect(loadFailureReport(d, new LoadError('download', 'refused'))).toBeNull();
  });
});
