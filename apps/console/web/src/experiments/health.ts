import type { ResultsResponse } from '@modelyard/types';
import type { Tone } from '../components/status-badge';

export interface Health {
  label: string;
  tone: Tone;
  why: string;
}

/**
 * An experiment's health from its results: a sample-ratio mismatch makes every comparison
 * untrustworthy, so it comes first; then failed, then warned guardrails.
 */
export function healthOf(results: ResultsResponse): Health {
  if (results.srm.flagged) return { label: 'SRM', tone: 'bad', why: `sample-ratio mismatch (p = ${results.srm.pValue?.toExponential(2)})` };
  const failed = results.guardrails.filter((g) => g.verdict === 'fail');
  if (failed.length) return { label: 'guardrail failed', tone: 'bad', why: failed.map((g) => `${g.metric} on ${g.variant}`).join(', ') };
  const warned = results.guardrails.filter((g) => g.verdict === 'warn');
  if (warned.length) return { label: 'guardrail warning', tone: 'warn', why: warned.map((g) => `${g.metric} on ${g.variant}`).join(', ') };
  return { label: 'healthy', tone: 'good', why: 'no sample-ratio mismatch, no guardrail failing' };
}

const STATUS_TONES = new Map<string, Tone>([
  ['draft', 'neutral'],
  ['running', 'info'],
  ['stopped', 'warn'],
  ['concluded', 'good'],
]);
export const statusTone = (status: string): Tone => STATUS_TONES.get(status) ?? 'neutral';

/** Formats a share as a percentage with one decimal (0.1234 → 12.3 %). */
export const percent = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

/** A value with its interval: `0.123 [0.100, 0.146]`. */
export function withInterval(value: number | null, ci: readonly [number, number] | null, format: (x: number) => string): string {
  if (value === null) return '—';
  return ci ? `${format(value)} [${format(ci[0])}, ${format(ci[1])}]` : format(value);
}
