// Init container of every Modelyard pod: waits until DATABASE_URL holds every migration of this
// image (applied by the migration Job), so pods of a new version never run on an old schema.
// Usage: wait-for-schema [--timeout-seconds 600]; WAIT_FOR_SCHEMA_POLL_MS sets the poll (default 2000).
import { redactUrl } from '../database-url.js';
import { waitForSchema } from '../migrations/pending.js';
import { runCli } from './cli-util.js';

function timeoutSeconds(args: string[]): number {
  const i = args.indexOf('--timeout-seconds');
  if (i === -1) return 600;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error('--timeout-seconds takes a positive whole number of seconds');
  return value;
}

runCli(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (e.g. postgresql://user:pass@host:5432/modelyard)');
  const timeoutMs = timeoutSeconds(process.argv.slice(2)) * 1000;
  const pollMs = Number(process.env.WAIT_FOR_SCHEMA_POLL_MS ?? 2000);
  const log = (line: string) => console.log(line);
  const waited = await waitForSchema(url, { timeoutMs, pollMs: pollMs > 0 ? pollMs : 2000, log });
  console.log(`The schema of ${redactUrl(url)} is up to date (waited ${waited} ms).`);
});
