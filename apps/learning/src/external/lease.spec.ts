import { explainLease, leaseProblem } from './lease.js';

const now = new Date('2026-12-01T12:00:00Z');
const leased = { status: 'leased' as const, leaseToken: 'token-a', leaseExpiresAt: new Date('2026-12-01T12:00:30Z') };

describe('lease rule', () => {
  it.each([
    ['the holder within the lease', leased, 'token-a', null],
    ['another token', leased, 'token-b', 'foreign_lease'],
    ['the holder at the expiry instant', { ...leased, leaseExpiresAt: now }, 'token-a', 'lease_expired'],
    [
      'the holder after expiry, nobody claimed yet',
      { ...leased, leaseExpiresAt: new Date('2026-12-01T11:59:59Z') },
      'token-a',
      'lease_expired',
    ],
    ['a queued job', { ...leased, status: 'queued' as const }, 'token-a', 'not_leased'],
    ['a completed job, even with its token', { ...leased, status: 'completed' as const }, 'token-a', 'not_leased'],
  ])('%s', (_what, job, token, expected) => {
    expect(leaseProblem(job, token, now)).toBe(expected);
  });

  it('explains each problem with the status', () => {
    expect(explainLease('lease_expired', 'leased')).toBe('the lease expired; the job may be claimed by another worker (status leased)');
  });
});
