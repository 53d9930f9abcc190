/** The demo's readable output: one line per event, with the time since the start. */
export class Timeline {
  private readonly start = Date.now();

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  private stamp(): string {
    return `+${((Date.now() - this.start) / 1000).toFixed(1).padStart(6)}s`;
  }

  /** A step of the loop. */
  step(title: string): void {
    this.write(`\n${this.stamp()}  ▸ ${title}`);
  }

  /** A figure or fact under the current step. */
  info(text: string): void {
    this.write(`${' '.repeat(10)}${text}`);
  }

  /** Plain lines (tables), indented under the current step. */
  lines(lines: string[]): void {
    for (const line of lines) this.info(line);
  }
}

export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(2);
  return value.toFixed(digits);
}
