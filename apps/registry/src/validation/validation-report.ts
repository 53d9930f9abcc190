import type { Prisma } from '@modelyard/db';
import { ValidationReport, type ValidationReportBody } from '@modelyard/types';

/** The report as stored: what the validator sent, stamped with who sent it and when. */
export function stampReport(body: ValidationReportBody, validatedBy: string, at: Date): ValidationReport {
  return {
    status: body.status,
    checks: body.checks,
    validator: body.validator,
    artifact: body.artifact ?? null,
    runtime: body.runtime ?? {},
    validatedBy,
    validatedAt: at.toISOString(),
  };
}

/**
 * The stored column as a report, parsed once here (never re-read field by field at call sites).
 * A column that no longer parses (written by an older shape) reads as no report: a gate that
 * requires one then refuses, which is the safe side.
 */
export function parseReport(column: Prisma.JsonValue | null): ValidationReport | null {
  if (column === null) return null;
  const parsed = ValidationReport.safeParse(column);
  return parsed.success ? parsed.data : null;
}
