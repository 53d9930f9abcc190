import { keysetAfter, keysetSelect } from './keyset.js';

describe('keysetAfter', () => {
  it('is one comparison for a single unique column, > ascending and < descending', () => {
    expect(keysetAfter([{ name: 'asc' }], { name: 'm' })).toEqual({ name: { gt: 'm' } });
    expect(keysetAfter([{ id: 'desc' }], { id: 7 })).toEqual({ id: { lt: 7 } });
  });

  it('orders by the first column, breaking ties on the next ones', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(keysetAfter([{ createdAt: 'desc' }, { id: 'desc' }], { createdAt: at, id: 'b' })).toEqual({
      OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: 'b' } }],
    });
    expect(keysetAfter([{ major: 'desc' }, { minor: 'asc' }, { id: 'desc' }], { major: 2, minor: 1, id: 'x' })).toEqual({
      OR: [{ major: { lt: 2 } }, { major: 2, minor: { gt: 1 } }, { major: 2, minor: 1, id: { lt: 'x' } }],
    });
  });

  it('matches nothing when the cursor row is gone', () => {
    expect(keysetAfter([{ id: 'asc' }], null)).toEqual({ OR: [] });
  });

  it('selects the sort columns of the cursor row', () => {
    expect(keysetSelect([{ createdAt: 'desc' }, { id: 'desc' }])).toEqual({ createdAt: true, id: true });
  });
});
