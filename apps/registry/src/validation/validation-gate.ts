import type { ValidationReport } from '@modelyard/types';

export interface ValidationVerdict {
  ok: boolean;
  /** Why the report does not let the version into production; empty when ok. */
  reasons: string[];
}

/**
 * The `requireValidation` rule of the promotion policy: the candidate's newest report must exist,
 * have passed, and be about bytes the version still has (a report on an artifact that was since
 * replaced says nothing about what would serve). `artifactShas` are the version's artifacts now.
 */
export function validationVerdict(report: ValidationReport | null, artifactShas: ReadonlySet<string>): ValidationVerdict {
  if (!report) return { ok: false, reasons: ['the version has no validation report'] };
  const reasons: string[] = [];
  if (report.status !== 'passed') {
    const failed = report.checks.filter((c) => c.status === 'failed');
    reasons.push(`its newest validation report (${report.validatedAt}) failed`);
    for (const c of failed) reasons.push(`${c.name}: ${c.detail}`);
  }
  if (report.artifact && !artifactShas.has(report.artifact.sha256)) {
    reasons.push(`the report validated ${report.artifact.path} ${report.artifact.sha256}, which the version no longer has`);
  }
  return { ok: reasons.length === 0, reasons };
}
