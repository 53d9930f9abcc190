import type { ValidationReport } from '@modelyard/types';
import { validationVerdict } from './validation-gate.js';

const SHA = 'a'.repeat(64);
const report = (status: 'passed' | 'failed', sha = SHA): ValidationReport => ({
  status,
  checks: [
    { name: 'smoke_run', status: 'passed', detail: 'ran' },
    ...(status === 'failed' ? [{ name: 'input_schema', status: 'failed' as const, detail: 'takes 3 columns' }] : []),
  ],
  validator: 'serving',
  artifact: { path: 'model.onnx', sha256: sha },
  runtime: {},
  validatedBy: 'service:serving',
  validatedAt: '2026-12-01T06:30:00.000Z',
});

describe('validationVerdict (promotion policy requireValidation)', () => {
  it('lets a passing report on the current bytes through', () => {
    expect(validationVerdict(report('passed'), new Set([SHA]))).toEqual({ ok: true, reasons: [] });
  });

  it('refuses without a report', () => {
    expect(validationVerdict(null, new Set([SHA]))).toEqual({ ok: false, reasons: ['the version has no validation report'] });
  });

  it('refuses a failed report, listing the failed checks', () => {
    expect(validationVerdict(report('failed'), new Set([SHA]))).toEqual({
      ok: false,
      reasons: ['its newest validation report (2026-12-01T06:30:00.000Z) failed', 'input_schema: takes 3 columns'],
    });
  });

  it('refuses a passing report on bytes the version no longer has', () => {
    const v = validationVerdict(report('passed', 'b'.repeat(64)), new Set([SHA]));
    expect(v.ok).toBe(false);
    expect(v.reasons).toEqual([`the report validated model.onnx ${'b'.repeat(64)}, which the version no longer has`]);
  });
});
