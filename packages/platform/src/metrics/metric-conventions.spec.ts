import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { familyViolations, metricConventionViolations, metricFamilies } from './metric-conventions.js';

const check = (name: string, type: string) => familyViolations({ name, type });

describe('metric naming conventions', () => {
  it('accepts well-named families', () => {
    expect(check('ml_drift_alerts_total', 'counter')).toEqual([]);
    expect(check('ml_models', 'gauge')).toEqual([]);
    expect(check('ml_experiments_active', 'gauge')).toEqual([]);
    expect(check('http_request_duration_seconds', 'histogram')).toEqual([]);
    expect(check('ml_artifact_bytes', 'histogram')).toEqual([]);
    expect(check('ml_last_check_timestamp_seconds', 'gauge')).toEqual([]);
  });

  it('wants counters to end in _total and nothing else to', () => {
    // The names these metrics had before they were renamed.
    expect(check('ml_experiment_traffic', 'counter')).toEqual(['is a counter but does not end in _total']);
    expect(check('ml_pipeline_samples_processed', 'counter')).toEqual(['is a counter but does not end in _total']);
    expect(check('ml_models_total', 'gauge')).toEqual(['is a gauge but ends in _total (reserved for counters)']);
    expect(check('ml_experiment_active_total', 'gauge')).toEqual(['is a gauge but ends in _total (reserved for counters)']);
    expect(check('ml_wait_total', 'histogram')).toContain('is a histogram but ends in _total (reserved for counters)');
  });

  it('wants snake_case and base units', () => {
    expect(check('mlModelsLoaded', 'gauge')).toEqual(['is not snake_case']);
    expect(check('ml__models', 'gauge')).toEqual(['is not snake_case']);
    expect(check('ml_predict_latency_ms', 'histogram')).toEqual(
      expect.arrayContaining(['uses a non-base unit (use _seconds or _bytes)', 'measures time but does not end in _seconds']),
    );
    expect(check('ml_check_duration', 'histogram')).toEqual(['measures time but does not end in _seconds']);
    expect(check('ml_upload_mb_total', 'counter')).toEqual(['uses a non-base unit (use _seconds or _bytes)']);
    expect(check('ml_cache_memory', 'gauge')).toEqual(['measures memory but does not end in _bytes']);
  });

  it('reads families from a real exposition and skips the default collectors', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    new Counter({ name: 'ml_things_total', help: 'ok', registers: [registry] });
    new Counter({ name: 'ml_things_seen', help: 'bad counter', registers: [registry] });
    new Gauge({ name: 'ml_queue_total', help: 'bad gauge', registers: [registry] });
    new Histogram({ name: 'ml_step_duration_seconds', help: 'ok', registers: [registry] });
    const text = await registry.metrics();
    expect(metricFamilies(text)).toEqual(
      expect.arrayContaining([
        { name: 'ml_things_total', type: 'counter' },
        { name: 'ml_step_duration_seconds', type: 'histogram' },
      ]),
    );
    expect(metricConventionViolations(text)).toEqual([
      { name: 'ml_things_seen', problem: 'is a counter but does not end in _total' },
      { name: 'ml_queue_total', problem: 'is a gauge but ends in _total (reserved for counters)' },
    ]);
  });
});
