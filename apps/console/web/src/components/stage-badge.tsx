import type { Stage } from '@modelyard/types';

/** A version's stage; the word is always there (colour alone tells nothing to everyone). */
export function StageBadge({ stage }: { stage: Stage }) {
  return <span className={`badge stage-${stage}`}>{stage}</span>;
}
