import type { ValidationCheck, ValidationReportBody } from '@modelyard/types';
import type { LoadError, VersionDescriptor } from '../models/loaded-version.js';
import { CHECK } from './checks.js';
import { VALIDATOR } from './version-validator.js';

/** The load steps in order, with the check each one answers. */
const STEPS = [
  { reason: 'load', check: CHECK.artifact },
  { reason: 'schema', check: CHECK.inputSchema },
  { reason: 'warmup', check: CHECK.smokeRun },
] as const;

/**
 * The report on a version that did not even load: the steps before the failing one passed, the
 * failing one failed with the loader's reason, the rest could not run. Null for download and
 * integrity failures: they are about getting the bytes, not about the version, and are retried.
 */
export function loadFailureReport(d: VersionDescriptor, err: LoadError): ValidationReportBody | null {
  const at = STEPS.findIndex((s) => s.reason === err.reason);
  if (at < 0) return null;
  const checks: ValidationCheck[] = STEPS.map((step, i) => {
    if (i < at) return { name: step.check, status: 'passed', detail: i === 0 ? `${d.format} ${d.artifact} read` : 'passed' };
    if (i === at) return { name: step.check, status: 'failed', detail: err.message };
    return { name: step.check, status: 'skipped', detail: `not run: the ${err.reason} step failed` };
  });
  return {
    status: 'failed',
    checks,
    validator: VALIDATOR,
    artifact: { path: d.artifact, sha256: d.sha256 },
    runtime: { format: d.format },
  };
}
