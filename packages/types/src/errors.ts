/**
 * Stable error codes carried in problem+json bodies (`code`). Clients branch on these,
 * so never rename one; add new ones instead.
 */
export const ErrorCode = {
  validation: 'validation_failed',
  malformedBody: 'malformed_body',
  unsupportedMediaType: 'unsupported_media_type',
  payloadTooLarge: 'payload_too_large',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  /** Console: a state-changing call without the session's CSRF token (or from another site). */
  csrfRejected: 'csrf_rejected',
  notFound: 'not_found',
  routeNotFound: 'route_not_found',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  alreadyExists: 'already_exists',
  invalidTransition: 'invalid_transition',
  policyRejected: 'promotion_policy_rejected',
  /** Registry: the version lacks the approvals its model requires before production. */
  approvalsPending: 'approvals_pending',
  preconditionFailed: 'precondition_failed',
  rateLimited: 'rate_limited',
  maintenance: 'maintenance_mode',
  upstreamUnavailable: 'upstream_unavailable',
  checksumMismatch: 'checksum_mismatch',
  artifactsImmutable: 'artifacts_immutable',
  rangeNotSatisfiable: 'range_not_satisfiable',
  artifactIntegrity: 'artifact_integrity_failed',
  /** Serving: the model or version is known but no session can answer (it failed to load). */
  modelUnavailable: 'model_unavailable',
  /** Serving: the version (or alias) is not one the service serves. */
  notServed: 'not_served',
  /** Serving: the model could not run on the given input. */
  inferenceFailed: 'inference_failed',
  /** The service is up but cannot answer this yet (e.g. the console's web app is not built). */
  serviceUnavailable: 'service_unavailable',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
