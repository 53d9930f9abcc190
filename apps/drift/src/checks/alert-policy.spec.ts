import type { AlertSeverity, DriftReportBody, Severity } from '@modelyard/types';
import { alertCandidates, alertsToRaise, shouldRaise, type AlertCandidate, type PastAlert } from './alert-policy.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const past = (key: string, severity: AlertSeverity, secondsAgo: number): PastAlert => ({ key, severity, createdAt: ago(secondsAgo) });
/** A candidate whose message names its key and severity (what the tables below compare). */
const cand = (key: string, severity: AlertSeverity): AlertCandidate => ({
  kind: key === 'drift' ? 'drift' : 'rule',
  key,
  severity,
  message: `${key} ${severity}`,
});

describe('shouldRaise (de-duplication and escalation within the cool-down)', () => {
  const COOLDOWN = 3600;
  it.each<[string, AlertSeverity, PastAlert[], boolean]>([
    ['first alert of its key', 'medium', [], true],
    ['same severity within the cool-down', 'medium', [past('drift', 'medium', 60)], false],
    ['lower severity within the cool-down', 'low', [past('drift', 'high', 60)], false],
    ['higher severity within the cool-down escalates', 'critical', [past('drift', 'high', 60)], true],
    ['escalation stops at the worst so far', 'high', [past('drift', 'medium', 600), past('drift', 'critical', 60)], false],
    ['same severity once the cool-down is over', 'medium', [past('drift', 'medium', 3601)], true],
    ['exactly one cool-down old no longer counts', 'medium', [past('drift', 'medium', 3600)], true],
    ['one second inside the cool-down still counts', 'medium', [past('drift', 'medium', 3599)], false],
    ['another key does not count', 'medium', [past('rule:success_rate<0.95', 'critical', 60)], true],
  ])('%s', (_, severity, history, expected) => {
    expect(shouldRaise({ key: 'drift', severity }, history, COOLDOWN, NOW)).toBe(expected);
  });

  it('with no cool-down, raises every time (even after one raised this second)', () => {
    expect(shouldRaise({ key: 'drift', severity: 'low' }, [past('drift', 'critical', 0)], 0, NOW)).toBe(true);
  });
});

describe('alertsToRaise (the candidates of one check, in order)', () => {
  it.each<[string, AlertCandidate[], PastAlert[], string[]]>([
    ['all new keys', [cand('drift', 'high'), cand('rule:a', 'medium')], [], ['drift high', 'rule:a medium']],
    ['one suppressed by history', [cand('drift', 'high'), cand('rule:a', 'medium')], [past('drift', 'high', 10)], ['rule:a medium']],
    ['two rules sharing a key raise once', [cand('rule:a', 'high'), cand('rule:a', 'medium')], [], ['rule:a high']],
    ['a worse second rule of a key escalates', [cand('rule:a', 'medium'), cand('rule:a', 'high')], [], ['rule:a medium', 'rule:a high']],
    ['nothing to raise', [], [past('drift', 'low', 10)], []],
  ])('%s', (_, candidates, history, expected) => {
    expect(alertsToRaise(candidates, history, 3600, NOW).map((c) => c.message)).toEqual(expected);
  });
});

type BrokenRule = { severity: AlertSeverity; threshold: number };
const testResult = { test: 'ks', statistic: 0.3, pValue: 0.001, threshold: 0.05 };
const signals = {
  records: 100,
  meanConfidence: null,
  confidenceZ: null,
  successRate: 0.9,
  errorRate: 0.1,
  errorRateZ: null,
  meanLatencyMs: null,
  latencyMeanZ: null,
  latencyP95Ms: null,
  latencyP95Z: null,
};

/** A report of features age and income (`drifted` of them), with success-rate rules broken at the given thresholds. */
function body(severity: Severity, rules: BrokenRule[] = [], drifted = ['age']): DriftReportBody {
  return {
    features: ['age', 'income'].map((name) => ({ name, ...testResult, drifted: drifted.includes(name), severity })),
    prediction: null,
    performance: null,
    signals,
    quality: [],
    rules: rules.map((r) => ({
      signal: 'success_rate',
      feature: null,
      condition: '<',
      threshold: r.threshold,
      value: 0.9,
      severity: r.severity,
      message: `rule ${r.threshold}`,
    })),
    severity,
    driftedShare: drifted.length / 2,
    recommendations: [],
  };
}

describe('alertCandidates (what a report calls for, at least minSeverity)', () => {
  const monitor = (minSeverity: AlertSeverity) => ({ model: 'churn', name: 'main', minSeverity });
  it.each<[string, AlertSeverity, DriftReportBody, string[]]>([
    ['no drift, no rules', 'low', body('none'), []],
    ['drift at the minimum', 'medium', body('medium'), ['drift:medium']],
    ['drift below the minimum', 'high', body('medium'), []],
    [
      'broken rules at or above the minimum only',
      'medium',
      body('none', [
        { severity: 'low', threshold: 0.99 },
        { severity: 'high', threshold: 0.95 },
      ]),
      ['rule:success_rate<0.95:high'],
    ],
    ['drift and a rule', 'low', body('critical', [{ severity: 'low', threshold: 0.95 }]), ['drift:critical', 'rule:success_rate<0.95:low']],
  ])('%s', (_, minSeverity, report, expected) => {
    expect(alertCandidates(monitor(minSeverity), report).map((c) => `${c.key}:${c.severity}`)).toEqual(expected);
  });

  it('describes drift with the drifted features and the prediction', () => {
    const prediction = { name: '$prediction', ...testResult, drifted: true, severity: 'medium' as const };
    const [drift] = alertCandidates(monitor('low'), { ...body('high', [], ['age', 'income']), prediction });
    const message = 'churn/main: high drift (2/2 features: age, income; prediction drifted)';
    expect(drift).toEqual({ kind: 'drift', key: 'drift', severity: 'high', message });
  });

  it("keeps a rule's own message", () => {
    const [rule] = alertCandidates(monitor('low'), body('none', [{ severity: 'medium', threshold: 0.95 }]));
    expect(rule).toEqual({ kind: 'rule', key: 'rule:success_rate<0.95', severity: 'medium', message: 'rule 0.95' });
  });
});
