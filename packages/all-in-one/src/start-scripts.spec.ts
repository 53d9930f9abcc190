import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROCESS_FLAGS } from '@modelyard/platform/process-flags';
import { ALL_SERVICES } from './services.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const startScript = (dir: string) =>
  (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

// `pnpm start` runs on any Node ≥ 20, where a service cannot always add its process flags itself
// (platform/src/runtime/process-flags.ts): each start script gives them, and they must not drift.
describe('start scripts', () => {
  it.each([...ALL_SERVICES.map((s) => `apps/${s}`), 'packages/all-in-one'])('%s gives the process flags', (dir) => {
    expect(startScript(dir)).toBe(`node ${PROCESS_FLAGS.join(' ')} dist/main.js`);
  });
});
