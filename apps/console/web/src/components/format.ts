/** Formatting shared by the pages. */
export const formatTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatNumber = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : Math.abs(n) >= 1000 || n === Math.round(n) ? n.toLocaleString() : n.toPrecision(4);

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
