import { isUnitId, UNIT_ID_MAX_LENGTH, UnitId } from './experiments.js';

describe('unit ids', () => {
  const good = ['u', 'user-42', 'émile@example.com', '用户_7', 'key:a/b+c=d', '😀', 'x'.repeat(UNIT_ID_MAX_LENGTH)];
  const bad = [
    '',
    'a\u0000b',
    'tab\there',
    'line\n',
    'del\u007f',
    'c1\u0085',
    'zero\u200bwidth',
    'bidi\u202e',
    'nbsp\u00a0',
    ' lead',
    'half\ud800',
    'pua\ue000',
    'x'.repeat(UNIT_ID_MAX_LENGTH + 1),
  ];

  it('are 1-256 printable characters: letters, marks, numbers, punctuation, symbols', () => {
    for (const unit of good) expect([unit, isUnitId(unit), UnitId.safeParse(unit).success]).toEqual([unit, true, true]);
  });

  it('never hold whitespace, control, format, surrogate or private-use characters, and give one message each', () => {
    for (const unit of bad) {
      const parsed = UnitId.safeParse(unit);
      expect([unit, isUnitId(unit), parsed.success, parsed.error?.issues.length]).toEqual([unit, false, false, 1]);
    }
  });
});
