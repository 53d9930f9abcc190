import type { DashboardResponse } from '@modelyard/types';
import { StatusBadge, type Tone } from '../components/status-badge';

type Health = DashboardResponse['health'];

const TONES = new Map<Health, Tone>([
  ['healthy', 'good'],
  ['degraded', 'warn'],
  ['unhealthy', 'bad'],
  ['unknown', 'neutral'],
]);

const TITLES = new Map<Health, string>([
  ['healthy', 'no active alert, every latest check found no drift'],
  ['degraded', 'an active alert, or a latest check found some drift'],
  ['unhealthy', 'an active alert or a latest check of high or critical severity'],
  ['unknown', 'no check has run yet'],
]);

/** The drift dashboard's health of a model; `no monitor` when nothing watches it. */
export function HealthBadge({ health }: { health: Health | null }) {
  if (health === null) return <StatusBadge label="no monitor" tone="neutral" title="no drift monitor watches this model" />;
  return <StatusBadge label={health} tone={TONES.get(health) ?? 'neutral'} title={TITLES.get(health)} />;
}
