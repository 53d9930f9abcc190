import { Logger } from '@nestjs/common';
import { MetricsService, type PlatformConfig } from '@modelyard/platform';
import { PredictionTaps, type PredictionTap, type ServedPrediction } from './prediction-taps.js';

const prediction: ServedPrediction = {
  model: 'm',
  version: '1',
  instances: [[1, 2]],
  predictions: [0],
  predictionIds: ['p1'],
  latencyMs: 1,
};

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function failures(metrics: MetricsService, loop: string): Promise<number> {
  const values = (await metrics.backgroundFailures.get()).values;
  return values.find((v) => v.labels.loop === loop)?.value ?? 0;
}

describe('PredictionTaps', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs taps after the caller returned, and a failing tap neither throws nor stops the others', async () => {
    const metrics = new MetricsService({ service: 'test' } as PlatformConfig);
    const taps = new PredictionTaps(metrics);
    const seen: string[] = [];
    taps.add({
      name: 'throws',
      onPrediction: () => {
        throw new Error('boom');
      },
    });
    taps.add({ name: 'rejects', onPrediction: () => Promise.reject(new Error('later')) });
    taps.add({ name: 'records', onPrediction: (p) => void seen.push(p.predictionIds[0]!) });

    taps.emit(prediction);
    expect(seen).toEqual([]); // not on the request path
    await nextTurn();
    await nextTurn();

    expect(seen).toEqual(['p1']);
    expect(await failures(metrics, 'serving-throws')).toBe(1);
    expect(await failures(metrics, 'serving-rejects')).toBe(1);
    expect(await failures(metrics, 'serving-records')).toBe(0);
  });

  it('flush lets the last emitted predictions reach their taps, then flushes every tap even when one fails', async () => {
    const metrics = new MetricsService({ service: 'test' } as PlatformConfig);
    const taps = new PredictionTaps(metrics);
    const queued: string[] = [];
    const flushed: string[] = [];
    const queueing: PredictionTap = {
      name: 'queue',
      onPrediction: (p) => void queued.push(p.version),
      flush: () => (flushed.push(...queued), Promise.resolve()),
    };
    taps.add({ name: 'broken', onPrediction: () => undefined, flush: () => Promise.reject(new Error('redis gone')) });
    taps.add(queueing);

    taps.emit(prediction); // emitted right before shutdown: still queued by flush()
    await taps.flush();

    expect(flushed).toEqual(['1']);
    expect(await failures(metrics, 'serving-broken')).toBe(1);
  });
});
