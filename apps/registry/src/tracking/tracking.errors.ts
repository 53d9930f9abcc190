import { Conflict, DomainError } from '@modelyard/platform';
import { ErrorCode } from '@modelyard/types';

/** A param logged again with another value: params are immutable once logged. */
export class ParamChanged extends Conflict {
  constructor(runId: string, key: string, was: string, now: string) {
    super(`param '${key}' of run ${runId} was logged as '${was}'; it cannot change to '${now}'`, { key, loggedValue: was });
  }
}

/** A write to a run (or project) that is deleted: restore it first. */
export class NotActive extends Conflict {
  constructor(what: string, id: string) {
    super(`${what} '${id}' is deleted; restore it before changing it`);
  }
}

/** A body field that cannot be used (a filter or order that does not parse, a page token not ours): a 400 naming it. */
export class InvalidField extends DomainError {
  constructor(field: string, message: string) {
    super(400, ErrorCode.validation, 'Invalid request', `${field}: ${message}`, { errors: [{ field, in: 'body', message }] });
  }
}
