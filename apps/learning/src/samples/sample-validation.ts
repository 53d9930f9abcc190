import type { FieldError } from '@modelyard/platform';
import {
  ClassLabel,
  fixedClasses,
  isClassifier,
  isMulticlass,
  type LearnerSpec,
  type PipelineFeature,
  type SampleRow,
} from '@modelyard/types';

/** A rejected batch names at most this many problems; the first ones are enough to fix the sender. */
const MAX_ERRORS = 50;

export interface SampleSchema {
  features: readonly PipelineFeature[];
  target: string;
  /** Labels 0/1 (a classifier) rather than finite targets (a regression); see isClassifier. */
  classifier: boolean;
  /** Class labels (a multiclass learner): any string or integer, or one of a fixed set. */
  multiclass?: { classes: ReadonlySet<string | number> | null } | null;
}

/** The schema a pipeline's samples must follow. */
export function sampleSchemaOf(p: { features: readonly PipelineFeature[]; target: string; learner: LearnerSpec }): SampleSchema {
  const { learner } = p;
  const fixed = fixedClasses(learner);
  const multiclass = isMulticlass(learner) ? { classes: fixed ? new Set<string | number>(fixed) : null } : null;
  return { features: p.features, target: p.target, classifier: isClassifier(learner), multiclass };
}

function featureProblem(kind: PipelineFeature['kind'], value: unknown): string | null {
  // A missing value (absent or null) is allowed for every kind: the hashed model skips it.
  if (value === undefined || value === null) return null;
  switch (kind) {
    case 'numeric':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number or null';
    case 'categorical':
      return typeof value === 'string' ? null : 'must be a string or null';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be a boolean or null';
  }
}

/** A row's own value: a feature called "constructor" must not find Object's on a row without it. */
export const valueOf = (row: SampleRow, name: string) => (Object.hasOwn(row, name) ? row[name] : undefined);

function targetProblem(schema: SampleSchema, value: unknown): string | null {
  const { classifier, multiclass } = schema;
  if (multiclass) {
    const label = ClassLabel.safeParse(value);
    if (!label.success) return 'the label must be a class: a string of 1 to 100 characters or an integer';
    if (multiclass.classes && !multiclass.classes.has(label.data)) return "the label is not one of the learner's classes";
    return null;
  }
  if (classifier) return value === 0 || value === 1 ? null : 'the label must be 0 or 1';
  return typeof value === 'number' && Number.isFinite(value) ? null : 'the target must be a finite number';
}

/**
 * Checks every row against the pipeline's schema: each declared feature has its kind's type, the
 * target is present and valid, and no undeclared field is sent (a typo would otherwise be silently
 * ignored). Returns every problem as `samples.<row>.<field>`; empty means the batch is good.
 */
export function sampleErrors(rows: readonly SampleRow[], schema: SampleSchema): FieldError[] {
  const errors: FieldError[] = [];
  const kinds = new Map(schema.features.map((f) => [f.name, f.kind]));
  for (let i = 0; i < rows.length && errors.length < MAX_ERRORS; i++) {
    const row = rows[i]!;
    for (const [name, kind] of kinds) {
      const problem = featureProblem(kind, valueOf(row, name));
      if (problem) errors.push({ field: `samples.${i}.${name}`, in: 'body', message: problem });
    }
    const target = targetProblem(schema, valueOf(row, schema.target));
    if (target) errors.push({ field: `samples.${i}.${schema.target}`, in: 'body', message: target });
    for (const name of Object.keys(row)) {
      if (!kinds.has(name) && name !== schema.target)
        errors.push({ field: `samples.${i}.${name}`, in: 'body', message: 'not a feature of this pipeline' });
    }
  }
  return errors.slice(0, MAX_ERRORS);
}
