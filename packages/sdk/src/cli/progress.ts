import cliProgress from 'cli-progress';
import type { ProgressCallback } from '../registry/artifacts.client.js';

export interface Progress {
  onProgress: ProgressCallback;
  stop(): void;
}

/**
 * A byte progress bar on stderr (stdout stays clean for output and --json). Drawn on a terminal;
 * in pipes and CI only when forced (`--progress`), then as plain lines every half second.
 */
export function progressBar(label: string, mode: 'auto' | 'off' | 'force'): Progress {
  const tty = Boolean(process.stderr.isTTY);
  if (mode === 'off' || (mode === 'auto' && !tty)) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value_mib}/{total_mib} MiB | {speed} MiB/s`,
      hideCursor: tty,
      clearOnComplete: false,
      noTTYOutput: !tty,
      notTTYSchedule: 500,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let begun = false;
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    onProgress(done, total) {
      const payload = {
        value_mib: mib(done),
        total_mib: total === undefined ? '?' : mib(total),
        speed: (done / 1024 / 1024 / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
      };
      if (!begun) {
        bar.start(total ?? 0, done, payload);
        begun = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop: () => {
      if (begun) bar.stop();
      begun = false;
    },
  };
}
