import type { Principal } from '@modelyard/platform';
import { scopesOf, type ConcludeBody, type Conclusion, type Role } from '@modelyard/types';
import type { Experiment } from '../experiments/experiment.js';
import type { PromotionRefusal } from '../registry.client.js';
import type { Recommendation } from '../results/recommendation.js';
import { experimentFixture } from '../test/fixtures.js';
import {
  automaticConclusion,
  finalConclusion,
  isOverdue,
  pendingConclusion,
  promotionReason,
  promotionWanted,
  tickConclusion,
  winnerOf,
  type AutomaticReason,
  type ConclusionBase,
  type PromotionOutcome,
} from './conclusion-policy.js';

const who = (id: string, role: Role): Principal => ({ kind: 'jwt', id, roles: [role], scopes: scopesOf([role]), teams: new Map() });
const ship = (variant: string): Recommendation => ({ action: 'ship', variant, reason: `${variant} beats control` });
const KEEP: Recommendation = {
  action: 'keep_running',
  variant: null,
  reason: 'guardrail latency of treatment is warn',
};
const STOP: Recommendation = { action: 'stop_guardrail', variant: 'treatment', reason: 'treatment degrades latency' };
const NONE: Recommendation = { action: 'no_difference', variant: null, reason: 'no difference' };

describe('the winner a recommendation declares', () => {
  it.each<[string, Recommendation, string | null]>([
    ['a treatment to ship', ship('treatment'), 'treatment'],
    ['shipping the control (every treatment worse): none', ship('control'), null],
    ['keep running (guardrail warn or insufficient data, SRM, below minSampleSize): none', KEEP, null],
    ['a failed guardrail: none, though it names the variant', STOP, null],
    ['no difference: none', NONE, null],
  ])('%s', (_, rec, winner) => {
    expect(winnerOf(rec, 'control')).toBe(winner);
  });
});

describe('when the tick concludes a running experiment', () => {
  const started = new Date('2026-01-01T00:00:00Z');
  const hours = (h: number) => new Date(started.getTime() + h * 3_600_000);
  const admin = { autoPromote: true, autoPromoteEnabledBy: 'alice' };

  it.each<[string, Partial<Experiment>, Date, Recommendation, AutomaticReason | null]>([
    ['no limit, no autoPromote: never', {}, hours(10_000), ship('treatment'), null],
    ['within its maximum duration', { maxDurationHours: 2 }, hours(2), KEEP, null],
    ['past its maximum duration, winner or not', { maxDurationHours: 2 }, hours(2.01), KEEP, 'maximum duration reached'],
    [
      'past its maximum duration, before any autoPromote check',
      { ...admin, maxDurationHours: 1 },
      hours(3),
      ship('treatment'),
      'maximum duration reached',
    ],
    ['never started: no duration to exceed', { maxDurationHours: 1, startedAt: null }, hours(3), KEEP, null],
    ['autoPromote by an admin, a winner', admin, hours(1), ship('treatment'), 'auto-promotion'],
    ['autoPromote by an admin, held by a guardrail', admin, hours(1), KEEP, null],
    ['autoPromote by an admin, a failed guardrail', admin, hours(1), STOP, null],
    ['autoPromote by an admin, control better', admin, hours(1), ship('control'), null],
    ['autoPromote with nobody on record (set before the rule)', { autoPromote: true }, hours(1), ship('treatment'), null],
    ['an enabler on record but autoPromote off', { autoPromoteEnabledBy: 'alice' }, hours(1), ship('treatment'), null],
  ])('%s', async (_, change, now, rec, reason) => {
    const e = experimentFixture({ startedAt: started, ...change });
    let asked = 0;
    const decided = await tickConclusion(e, now, async () => {
      asked++;
      return rec;
    });
    expect(decided).toBe(reason);
    // The results (Redis reads) are computed only for an experiment that may promote on its own.
    const needsResults = !isOverdue(e, now) && e.autoPromote && e.autoPromoteEnabledBy !== null;
    expect(asked).toBe(needsResults ? 1 : 0);
  });
});

describe('the automatic conclusion', () => {
  it.each<[string, Partial<Experiment>, AutomaticReason, ConcludeBody, string]>([
    [
      'promotes for the admin who enabled it',
      { autoPromote: true, autoPromoteEnabledBy: 'alice' },
      'auto-promotion',
      { promote: true, reason: 'auto-promotion' },
      'auto-promotion enabled by alice',
    ],
    [
      'names a relayed enabler as recorded',
      { autoPromote: true, autoPromoteEnabledBy: 'carol via service:learning' },
      'maximum duration reached',
      { promote: true, reason: 'maximum duration reached' },
      'auto-promotion enabled by carol via service:learning',
    ],
    [
      'promotes nothing without autoPromote',
      {},
      'maximum duration reached',
      { promote: false, reason: 'maximum duration reached' },
      'concluded automatically',
    ],
    [
      'promotes nothing with nobody on record',
      { autoPromote: true },
      'maximum duration reached',
      { promote: false, reason: 'maximum duration reached' },
      'concluded automatically',
    ],
  ])('%s', (_, change, reason, body, onBehalf) => {
    expect(automaticConclusion(experimentFixture(change), reason)).toEqual({ body, onBehalf });
  });
});

describe('promotion on conclusion', () => {
  it.each<[string, ConcludeBody, boolean, Role, boolean]>([
    ['not asked, autoPromote off', {}, false, 'editor', false],
    ['asked not to, autoPromote on', { promote: false }, true, 'editor', false],
    ['asked, by an admin', { promote: true }, false, 'admin', true],
    ['autoPromote on, by an admin', {}, true, 'admin', true],
  ])('%s', (_, body, autoPromote, role, promote) => {
    expect(promotionWanted(body, { autoPromote }, who('x', role))).toBe(promote);
  });

  it.each<[string, ConcludeBody, boolean]>([
    ['asked by an editor', { promote: true }, false],
    ['by default (autoPromote) by an editor', {}, true],
  ])('refused when %s, naming the admin scope', (_, body, autoPromote) => {
    const refusal = expect.objectContaining({ status: 403, extra: { neededScope: 'admin' } });
    expect(() => promotionWanted(body, { autoPromote }, who('bob', 'editor'))).toThrow(refusal);
  });

  it('gives the registry the experiment, the evidence and who it is for, within its 1000 characters', () => {
    expect(promotionReason('exp', 'treatment beats control on conversion', 'concluded by alice')).toBe(
      'experiment exp: treatment beats control on conversion; concluded by alice',
    );
    expect(promotionReason('exp', 'x'.repeat(2000), 'concluded by alice')).toHaveLength(1000);
  });
});

describe('the recorded conclusion', () => {
  const base = (winner: string | null): ConclusionBase => ({
    winner,
    recommendation: winner ? ship(winner) : KEEP,
    concludedBy: 'alice',
    concludedAt: '2026-01-01T00:00:00.000Z',
    reason: null,
  });

  it('says the promotion is pending while it runs', () => {
    expect(pendingConclusion(base('treatment'))).toMatchObject({
      promoted: false,
      promotionError: 'promotion pending',
    });
  });

  const asked = (refusal: PromotionRefusal | null): PromotionOutcome => ({ refusal, version: '1.0.1', reason: 'experiment e: why' });
  type Outcome = Pick<Conclusion, 'promoted' | 'promotionError' | 'awaitingApprovals'>;
  it.each<[string, string | null, boolean, PromotionOutcome | string | null, Outcome]>([
    ['promoted', 'treatment', true, asked(null), { promoted: true, promotionError: null, awaitingApprovals: null }],
    [
      'refused by the registry',
      'treatment',
      true,
      asked({ message: 'the registry answered 409: not in staging', awaitingApprovals: false }),
      { promoted: false, promotionError: 'the registry answered 409: not in staging', awaitingApprovals: null },
    ],
    [
      'waiting for approvals',
      'treatment',
      true,
      asked({ message: 'waiting for approvals: the registry answered 409: 2 missing', awaitingApprovals: true }),
      {
        promoted: false,
        promotionError: 'waiting for approvals: the registry answered 409: 2 missing',
        awaitingApprovals: { version: '1.0.1', reason: 'experiment e: why' },
      },
    ],
    [
      'the winner is no variant',
      'treatment',
      true,
      'variant treatment is not a variant of the experiment',
      { promoted: false, promotionError: 'variant treatment is not a variant of the experiment', awaitingApprovals: null },
    ],
    ['promotion wanted, no winner', null, true, null, { promoted: false, promotionError: 'no winner to promote', awaitingApprovals: null }],
    ['a winner, promotion not wanted', 'treatment', false, null, { promoted: false, promotionError: null, awaitingApprovals: null }],
    ['neither', null, false, null, { promoted: false, promotionError: null, awaitingApprovals: null }],
  ])('%s', (_, winner, promote, outcome, expected) => {
    expect(finalConclusion(base(winner), promote, outcome)).toEqual({ ...base(winner), ...expected });
  });
});
