/**
 * A status, severity or health word in a badge; the tone only colours it (the word is always
 * there, since colour alone tells nothing to everyone).
 */
export type Tone = 'neutral' | 'good' | 'info' | 'warn' | 'bad';

export function StatusBadge({ label, tone, title }: { label: string; tone: Tone; title?: string }) {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      {label}
    </span>
  );
}
