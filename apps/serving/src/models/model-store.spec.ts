import { Logger } from '@nestjs/common';
import { MetricsService, type PlatformConfig } from '@modelyard/platform';
import type { ServingSettings } from '../config.js';
import type { Runner } from '../runtime/runner.js';
import { ServingMetrics } from '../serving.metrics.js';
import type { LoadedVersion } from './loaded-version.js';
import { ModelStore } from './model-store.js';

const released: string[] = [];

function loaded(version: string, bytes: number): LoadedVersion {
  const runner = { release: () => (released.push(version), Promise.resolve()) } as unknown as Runner;
  const descriptor = {
    model: 'm',
    version,
    format: 'onnx',
    artifact: 'model.onnx',
    sha256: version,
    size: bytes,
    inputSchema: null,
    immutable: true,
  } as const;
  return { descriptor, runner, layout: null, outputs: { prediction: 'y', probabilities: null }, bytes };
}

function store(maxModelBytes: number) {
  const metrics = new ServingMetrics(new MetricsService({ service: 'test' } as PlatformConfig));
  return new ModelStore({ maxModelBytes } as ServingSettings, metrics);
}

// Eviction log lines are for operators, not for test output.
beforeAll(() => Logger.overrideLogger(false));
beforeEach(() => released.splice(0));

describe('ModelStore', () => {
  it('evicts the least recently used versions past the budget, never the one just added', () => {
    const s = store(250);
    s.put('a', loaded('a', 100)).release();
    s.put('b', loaded('b', 100)).release();
    s.acquire('a')!.release(); // a is now the most recently used
    s.put('c', loaded('c', 100)).release();
    expect(s.keys()).toEqual(['a', 'c']);
    expect(released).toEqual(['b']);
    s.put('huge', loaded('huge', 1000)).release();
    expect(s.keys()).toEqual(['huge']);
  });

  it('releases a version taken out of the store only once the calls holding it have finished', () => {
    const s = store(1000);
    s.put('old', loaded('old', 10)).release();
    const inFlight = s.acquire('old')!;
    s.remove('old');
    expect(s.acquire('old')).toBeNull();
    expect(released).toEqual([]);
    expect(inFlight.loaded.descriptor.version).toBe('old');
    inFlight.release();
    inFlight.release(); // a second release changes nothing
    expect(released).toEqual(['old']);
  });

  it('keeps an evicted version usable by its holder until released', () => {
    const s = store(100);
    const held = s.put('a', loaded('a', 100));
    s.put('b', loaded('b', 100)).release();
    expect(s.has('a')).toBe(false);
    expect(released).toEqual([]);
    held.release();
    expect(released).toEqual(['a']);
  });

  it('releases everything at shutdown', () => {
    const s = store(1000);
    s.put('a', loaded('a', 1)).release();
    s.put('b', loaded('b', 1)).release();
    s.onApplicationShutdown();
    expect(released.sort()).toEqual(['a', 'b']);
  });
});
