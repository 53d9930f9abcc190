import type { Severity } from '@modelyard/types';
import { StatusBadge, type Tone } from '../components/status-badge';

const TONES = new Map<Severity, Tone>([
  ['none', 'good'],
  ['low', 'info'],
  ['medium', 'warn'],
  ['high', 'bad'],
  ['critical', 'bad'],
]);

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <StatusBadge label={severity} tone={TONES.get(severity) ?? 'neutral'} />;
}
