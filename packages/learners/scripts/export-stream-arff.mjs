/**
 * Writes the SEA and rotating-hyperplane streams of src/hoeffding/stream-accuracy.spec.ts (same
 * generators, seeds and lengths) as ARFF files, so that another implementation of the Hoeffding tree
 * (MOA's HoeffdingTree through its ArffFileStream) can learn exactly the samples ours learned.
 * Values are written with 17 significant digits: each double reads back bit for bit.
 *
 * Run after `pnpm build` (it reads the built package): node scripts/export-stream-arff.mjs <directory>
 * Writes <directory>/sea.arff (1 000 000 rows, 3 attributes), <directory>/hyperplane.arff (500 000
 * rows, 10 attributes), both of classes {0,1}, and <directory>/bands.arff (200 000 rows, 3
 * attributes, classes {0,1,2}); the class is the last attribute.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { bandStream, hyperplaneStream, seaStream } from '@modelyard/learners';

async function writeArff(path, name, stream, attributes, classes = 2) {
  const out = createWriteStream(path);
  // A file that cannot be written (no such folder, disk full) ends the script with the reason.
  out.on('error', (err) => {
    console.error(`cannot write ${path}: ${err.message}`);
    process.exit(1);
  });
  const header = [`@relation ${name}`, ...Array.from({ length: attributes }, (_, i) => `@attribute x${i} numeric`)];
  const labels = Array.from({ length: classes }, (_, c) => c).join(',');
  out.write(`${header.join('\n')}\n@attribute class {${labels}}\n@data\n`);
  let rows = [];
  const flush = async () => {
    if (!out.write(rows.join(''))) await new Promise((resolve) => out.once('drain', resolve));
    rows = [];
  };
  for (const { x, y } of stream) {
    rows.push(`${Array.from(x, (v) => v.toPrecision(17)).join(',')},${y}\n`);
    if (rows.length === 10_000) await flush();
  }
  await flush();
  await new Promise((resolve) => out.end(resolve));
}

const dir = process.argv[2] ?? '.';
await writeArff(join(dir, 'sea.arff'), 'sea', seaStream({ seed: 1, count: 1_000_000, driftEvery: 250_000 }), 3);
await writeArff(
  join(dir, 'hyperplane.arff'),
  'hyperplane',
  hyperplaneStream({ seed: 1, count: 500_000, features: 10, magChange: 0.001 }),
  10,
);
await writeArff(join(dir, 'bands.arff'), 'bands', bandStream({ seed: 1, count: 200_000 }), 3, 3);
