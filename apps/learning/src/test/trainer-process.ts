import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'external-trainer.mjs');

/** One JSON line the trainer printed (its steps: claimed, samples, completed, failed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TrainerStep = Record<string, any>;

export interface TrainerRun {
  child: ChildProcess;
  /** Resolves with the exit code and every step printed, once the process ended. */
  done: Promise<{ code: number | null; steps: TrainerStep[]; stderr: string }>;
}

/** Starts external-trainer.mjs as its own Node process, talking to the services over HTTP only. */
export function startTrainer(env: Record<string, string>): TrainerRun {
  const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; steps: TrainerStep[]; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const steps = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as TrainerStep);
      resolve({ code, steps, stderr });
    });
  });
  return { child, done };
}

/** Waits for the trainer's exit; kills it and fails past `timeoutMs`. */
export async function trainerResult(run: TrainerRun, timeoutMs = 90_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`trainer still running after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([run.done, timeout]);
    if (result.code !== 0) throw new Error(`trainer exited ${result.code}: ${result.stderr}`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Ends a trainer still running (test cleanup). */
export function stopTrainer(run: TrainerRun | undefined): void {
  if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
}
