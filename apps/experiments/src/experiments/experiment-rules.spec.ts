import type { Principal } from '@modelyard/platform';
import { scopesOf, type ExperimentStatus, type Role, type UpdateExperimentBody } from '@modelyard/types';
import { experimentFixture } from '../test/fixtures.js';
import type { Experiment } from './experiment.js';
import {
  allowedFrom,
  autoPromoteEnabler,
  planChange,
  transitionSources,
  transitionStamps,
  type ExperimentChange,
} from './experiment-rules.js';

const who = (id: string, role: Role): Principal => ({ kind: 'jwt', id, roles: [role], scopes: scopesOf([role]), teams: new Map() });
const STATUSES: ExperimentStatus[] = ['draft', 'running', 'stopped', 'concluded'];

describe('status transitions', () => {
  // Every pair: the only moves are start (→ running), stop (running → stopped) and conclude.
  it.each<[ExperimentStatus, ExperimentStatus[]]>([
    ['draft', ['running']],
    ['running', ['stopped', 'concluded']],
    ['stopped', ['running', 'concluded']],
    ['concluded', []],
  ])('from %s: %j', (from, to) => {
    expect(allowedFrom(from)).toEqual(to);
    for (const target of STATUSES) expect(transitionSources(target).includes(from)).toBe(to.includes(target));
  });

  it.each<[ExperimentStatus, ExperimentStatus[]]>([
    ['running', ['draft', 'stopped']],
    ['stopped', ['running']],
    ['concluded', ['running', 'stopped']],
    ['draft', []],
  ])('%s is reached from %j', (to, from) => {
    expect(transitionSources(to)).toEqual(from);
  });

  it('(re)starting stamps the start and clears the end; every other move stamps the end', () => {
    const now = new Date('2026-02-01T00:00:00Z');
    expect(transitionStamps('running', now)).toEqual({ startedAt: now, endedAt: null });
    expect(transitionStamps('stopped', now)).toEqual({ endedAt: now });
    expect(transitionStamps('concluded', now)).toEqual({ endedAt: now });
  });
});

describe('a change of an experiment', () => {
  const running = experimentFixture();
  const draft = experimentFixture({ status: 'draft' });
  const odd = experimentFixture({
    variants: [
      { key: 'constructor', version: '1.0.0', weight: 0.5 },
      { key: 'toString', version: '1.0.1', weight: 0.5 },
    ],
    control: 'constructor',
  });
  const latency = { name: 'latency', kind: 'continuous', direction: 'lower', maxRelativeDegradation: 0.1 } as const;

  it.each<[string, Experiment, UpdateExperimentBody, string | null, ExperimentChange]>([
    [
      'new weights: every variant, in order, and a new revision',
      running,
      { weights: { treatment: 0.8 } },
      null,
      {
        variants: [
          { key: 'control', version: '1.0.0', weight: 0.5 },
          { key: 'treatment', version: '1.0.1', weight: 0.8 },
        ],
        bumpRevision: true,
      },
    ],
    ['coverage: a new revision', draft, { coverage: 0.3 }, null, { coverage: 0.3, bumpRevision: true }],
    [
      'guardrails replace the list; same revision',
      running,
      { guardrails: [latency] },
      null,
      { guardrails: [latency], bumpRevision: false },
    ],
    ['description alone', running, { description: 'why' }, null, { description: 'why', bumpRevision: false }],
    [
      'autoPromote on, by its enabler',
      running,
      { autoPromote: true },
      'alice',
      { autoPromote: { on: true, enabledBy: 'alice' }, bumpRevision: false },
    ],
    [
      'autoPromote off clears the enabler',
      running,
      { autoPromote: false },
      null,
      { autoPromote: { on: false, enabledBy: null }, bumpRevision: false },
    ],
    [
      'a variant named like an Object.prototype member keeps its weight',
      odd,
      { weights: { toString: 2 } },
      null,
      {
        variants: [
          { key: 'constructor', version: '1.0.0', weight: 0.5 },
          { key: 'toString', version: '1.0.1', weight: 2 },
        ],
        bumpRevision: true,
      },
    ],
  ])('%s', (_, current, body, enabledBy, change) => {
    expect(planChange(current, body, enabledBy)).toEqual(change);
  });

  it.each<[string, Experiment, UpdateExperimentBody, object]>([
    [
      'stopped',
      experimentFixture({ status: 'stopped' }),
      { coverage: 0.5 },
      { status: 409, message: "experiment 'exp' is stopped; it can no longer change" },
    ],
    [
      'concluded',
      experimentFixture({ status: 'concluded' }),
      { description: 'x' },
      { status: 409, message: "experiment 'exp' is concluded; it can no longer change" },
    ],
    [
      'unknown variants',
      running,
      { weights: { control: 1, b: 1, constructor: 1 } },
      { status: 409, extra: { unknownVariants: ['b', 'constructor'] } },
    ],
  ])('refused: %s', (_, current, body, error) => {
    expect(() => planChange(current, body)).toThrow(expect.objectContaining(error));
  });
});

describe('who may turn autoPromote on', () => {
  it.each<[string, boolean, Principal, string | undefined, string | null]>([
    ['off needs nothing', false, who('bob', 'editor'), undefined, null],
    ['an admin is recorded', true, who('alice', 'admin'), undefined, 'alice'],
    ['a service creating it for an admin records both', true, who('service:learning', 'admin'), 'carol', 'carol via service:learning'],
  ])('%s', (_, on, principal, onBehalfOf, recorded) => {
    expect(autoPromoteEnabler(on, principal, onBehalfOf)).toBe(recorded);
  });

  it.each<[string, Principal, string | undefined]>([
    ['an editor', who('bob', 'editor'), undefined],
    ['an editor, even for an admin', who('bob', 'editor'), 'alice'],
    ['a viewer', who('v', 'viewer'), undefined],
  ])('%s is refused, naming the admin scope', (_, principal, onBehalfOf) => {
    expect(() => autoPromoteEnabler(true, principal, onBehalfOf)).toThrow(
      expect.objectContaining({ status: 403, extra: { neededScope: 'admin' } }),
    );
  });
});
