import { ErrorCode } from '@modelyard/types';

export interface FieldError {
  field: string;
  /** Where the field was: body, query, params or headers. */
  in?: string;
  message: string;
}

/**
 * An error a service throws on purpose. The global filter turns it into problem+json with its
 * status and stable code; `extra` members are added to the body (RFC 9457 extension members).
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly title: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super(400, ErrorCode.validation, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
      errors,
    });
  }
}

export class NotFound extends DomainError {
  constructor(what: string, id: string) {
    super(404, ErrorCode.notFound, `${what} not found`, `${what} '${id}' does not exist`);
  }
}

export class Conflict extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}, code: ErrorCode = ErrorCode.conflict) {
    super(409, code, 'Conflict', detail, extra);
  }
}

export class AlreadyExists extends DomainError {
  constructor(what: string, id: string) {
    super(409, ErrorCode.alreadyExists, `${what} already exists`, `${what} '${id}' already exists`);
  }
}

export class InvalidTransition extends DomainError {
  constructor(from: string, to: string, allowed: readonly string[]) {
    super(
      409,
      ErrorCode.invalidTransition,
      'Invalid stage transition',
      `cannot go from '${from}' to '${to}'; allowed from '${from}': ${allowed.length ? allowed.join(', ') : 'none'}`,
      { from, to, allowed },
    );
  }
}

export class Unauthenticated extends DomainError {
  constructor(detail = 'a valid bearer token or API key is required') {
    super(401, ErrorCode.unauthenticated, 'Unauthenticated', detail, {}, { 'www-authenticate': 'Bearer' });
  }
}

export class Forbidden extends DomainError {
  constructor(needed: string) {
    super(403, ErrorCode.forbidden, 'Forbidden', `this action needs the '${needed}' scope`, { neededScope: needed });
  }
}

/** The caller lacks the role a team-owned resource needs (403); says which team and role. */
export class TeamForbidden extends DomainError {
  constructor(needed: string, team: string, neededTeamRole: string) {
    super(
      403,
      ErrorCode.forbidden,
      'Forbidden',
      `this action needs the '${neededTeamRole}' role in team '${team}' (or the global admin role)`,
      {
        neededScope: needed,
        team,
        neededTeamRole,
      },
    );
  }
}

/** Another Modelyard service did not answer, or answered 5xx: the caller may retry shortly. */
export class UpstreamUnavailable extends DomainError {
  constructor(service: string, detail: string) {
    super(503, ErrorCode.upstreamUnavailable, `${service} unavailable`, detail, {}, { 'retry-after': '5' });
  }
}
