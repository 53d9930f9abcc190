// (3) A check of 100 numeric features over a 7-day window of 100M records, from hourly sketches.
//
// Simulated, not ingested: 100M records through HTTP would take hours here. Eight KLL sketches of
// 595,238 values each (1/168 of 100M) are built once; each of the 168 hourly bucket summaries (100
// features) is encoded from them, so every bucket is a full-size hourly sketch as ingestion would
// leave it. Timed: what `POST /v1/monitors/:id/check/window` does after reading the blobs from
// Redis — decode the 168 summaries, merge them, and run KS (normed Wasserstein, PSI) of every
// feature against a precomputed 10k reference — in this process, not through Redis and HTTP.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KllSketch, sampleCdf, sketchCdf, sortSample } from '@modelyard/stats';
import { ROOT, normals } from './lib.mjs';

const FEATURES = 100;
const HOURS = 168;
const PER_HOUR = Math.round(100_000_000 / HOURS);
const POOL = 8;

export async function benchWindow() {
  const { BucketSummary } = await import(pathToFileURL(join(ROOT, 'apps/drift/dist/window/bucket-summary.js')).href);
  const { numericFromCdfs } = await import(pathToFileURL(join(ROOT, 'apps/drift/dist/checks/sketch-tests.js')).href);
  const schema = Array.from({ length: FEATURES }, (_, f) => ({ name: `f${f}`, kind: 'numeric' }));
  const pool = Array.from({ length: POOL }, (_, p) =>
    new KllSketch(undefined, p + 1).updateAll(normals(PER_HOUR, 700 + p, p % 2 ? 0.1 : 0)),
  );
  const blobs = Array.from({ length: POOL }, (_, b) => {
    const s = new BucketSummary(schema);
    s.records = PER_HOUR;
    schema.forEach((f, i) => s.numeric.set(f.name, pool[(b + i) % POOL]));
    return s.encode();
  });
  const reference = Array.from({ length: FEATURES }, (_, f) => {
    const sorted = sortSample(normals(10_000, 9000 + f));
    return { cdf: sampleCdf(sorted), exact: true, min: sorted[0], max: sorted[sorted.length - 1] };
  });
  const runs = [];
  let result;
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    const merged = new BucketSummary(schema);
    for (let h = 0; h < HOURS; h++) merged.merge(BucketSummary.decode(schema, blobs[h % POOL]));
    result = schema.map((f, i) => {
      const sketch = merged.numeric.get(f.name);
      return numericFromCdfs({ name: f.name, kind: 'numeric', test: 'ks' }, reference[i], {
        cdf: sketchCdf(sketch),
        exact: false,
        min: sketch.min,
        max: sketch.max,
      });
    });
    runs.push(performance.now() - started);
    if (merged.records !== PER_HOUR * HOURS) throw new Error(`merged ${merged.records} records`);
  }
  const bytes = blobs.reduce((s, b) => s + b.length, 0) / POOL;
  console.log(
    `\n(3) check of ${FEATURES} numeric features over a 7-day window of ${((PER_HOUR * HOURS) / 1e6).toFixed(0)}M records (${HOURS} hourly sketches, simulated)`,
  );
  console.log(
    `    decode + merge + KS from sketches: ${Math.min(...runs).toFixed(0)} ms (best of ${runs.length}; ${runs.map((x) => x.toFixed(0)).join(', ')})   target <= 1000 ms`,
  );
  console.log(
    `    one hourly bucket: ${(bytes / 1024).toFixed(0)} KB for ${FEATURES} features (${(bytes / FEATURES / 1024).toFixed(1)} KB per feature); drifted ${result.filter((f) => f.drifted).length}/${FEATURES}, KS bound ${result[0].bound}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchWindow();
