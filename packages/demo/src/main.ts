#!/usr/bin/env node
// `pnpm demo`: the closed loop against the platform started by `npm run up`.
//   pnpm demo [--short] [--seed N]
// Credential: MODELYARD_API_KEY, else the admin key `npm run up` wrote to var/admin-key.txt.
// URLs: MODELYARD_URL / MODELYARD_<SERVICE>_URL, else the local ports 3001-3005.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Modelyard, ModelyardError, NetworkError } from '@modelyard/sdk';
import { FULL_LOOP, runLoop, SHORT_LOOP } from './loop.js';
import { Timeline } from './timeline.js';

const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, seed: { type: 'string' } } });
const keyFile = fileURLToPath(new URL('../../../var/admin-key.txt', import.meta.url));
const apiKey = process.env.MODELYARD_API_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (!apiKey && !process.env.MODELYARD_TOKEN) {
  console.error('No credential: start the platform with `npm run up` (it writes var/admin-key.txt) or set MODELYARD_API_KEY.');
  process.exit(2);
}

const options = { ...(values.short ? SHORT_LOOP : FULL_LOOP), ...(values.seed ? { seed: Number(values.seed) } : {}) };
const my = Modelyard.fromEnv(apiKey ? { apiKey } : {});
console.log('Modelyard loop: drift → retraining → new version → experiment → promotion');
try {
  const result = await runLoop(my, options, new Timeline());
  console.log(`\n✓ v${result.v2} replaced v${result.v1} in production, decided by experiment "${result.experiment}".`);
} catch (err) {
  const detail =
    err instanceof ModelyardError
      ? `${err.code} ${err.status}: ${err.detail ?? err.title}`
      : err instanceof Error
        ? err.message
        : String(err);
  console.error(`\n✗ ${detail}`);
  if (err instanceof NetworkError) console.error('  Is the platform running? Start it with `npm run up`.');
  process.exit(1);
}
