import { metricNames, seriesNames } from './promql.js';

describe('metricNames', () => {
  it('finds the metrics an expression reads, not its functions, labels, groupings, ranges or numbers', () => {
    expect(
      metricNames(
        'sum by (service) (rate(http_request_duration_seconds_count{status=~"5..", route="/v1/x{y}"}[5m])) / sum by (service) (rate(http_request_duration_seconds_count[5m])) > 0.05',
      ),
    ).toEqual(['http_request_duration_seconds_count']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(ml_drift_check_duration_seconds_bucket[15m])))')).toEqual([
      'ml_drift_check_duration_seconds_bucket',
    ]);
    expect(metricNames('max by (queue) (delta(ml_queue_jobs{state="failed"}[30m])) > 0 and on (queue) up offset 5m')).toEqual([
      'ml_queue_jobs',
      'up',
    ]);
    expect(metricNames('a_total / ignoring (x) b_total unless c')).toEqual(['a_total', 'b_total', 'c']);
  });
});

describe('seriesNames', () => {
  it("names a histogram's bucket, sum and count series, and a counter or gauge by itself", () => {
    expect(seriesNames({ name: 'x_seconds', type: 'histogram' })).toEqual(['x_seconds_bucket', 'x_seconds_sum', 'x_seconds_count']);
    expect(seriesNames({ name: 'y_total', type: 'counter' })).toEqual(['y_total']);
  });
});
