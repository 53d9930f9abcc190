import type { AlertSeverity, Severity } from '@modelyard/types';
import { claimsRetrain, wantsRetrain } from './retrain-policy.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const PIPELINE = '00000000-0000-4000-8000-000000000001';

describe('wantsRetrain (a pipeline, and a verdict at least retrainMinSeverity)', () => {
  it.each<[string, string | null, AlertSeverity, Severity, boolean]>([
    ['verdict at the minimum', PIPELINE, 'high', 'high', true],
    ['verdict above the minimum', PIPELINE, 'high', 'critical', true],
    ['verdict below the minimum', PIPELINE, 'high', 'medium', false],
    ['no drift at all, whatever the minimum', PIPELINE, 'low', 'none', false],
    ['no pipeline to retrain', null, 'low', 'critical', false],
  ])('%s', (_, retrainPipelineId, retrainMinSeverity, severity, expected) => {
    expect(wantsRetrain({ retrainPipelineId, retrainMinSeverity }, severity)).toBe(expected);
  });
});

describe('claimsRetrain (at most one retrain per cool-down)', () => {
  it.each<[string, Date | null, number, boolean]>([
    ['never retrained', null, 3600, true],
    ['last retrain within the cool-down', ago(60), 3600, false],
    ['last retrain one second short of the cool-down', ago(3599), 3600, false],
    ['last retrain exactly one cool-down ago', ago(3600), 3600, true],
    ['last retrain older than the cool-down', ago(7200), 3600, true],
    ['no cool-down: a retrain this instant does not block', ago(0), 0, true],
    ['a clock that went back (last retrain in the future) blocks', new Date(NOW.getTime() + 1000), 0, false],
  ])('%s', (_, lastRetrainAt, cooldownSeconds, expected) => {
    expect(claimsRetrain(lastRetrainAt, cooldownSeconds, NOW)).toBe(expected);
  });
});
