import { z } from 'zod';
import { safeString } from './common.js';
import { WhoAmIResponse } from './auth.js';

/** The console's sign-in: an API key or a JWT, checked against the registry. */
export const SignInBody = z.strictObject({
  credential: safeString().trim().min(1, 'enter an API key or a token').max(8192),
});
export type SignInBody = z.infer<typeof SignInBody>;

/**
 * The signed-in session as the console's single-page app sees it: who, and the CSRF token it
 * sends in `X-CSRF-Token` on every state-changing call. The credential itself never leaves the
 * console's server.
 */
export const ConsoleSessionResponse = z.object({
  who: WhoAmIResponse,
  csrfToken: z.string(),
  /** The session ends at this time at the latest (ISO 8601). */
  endsAt: z.string(),
});
export type ConsoleSessionResponse = z.infer<typeof ConsoleSessionResponse>;

/** Header carrying the console session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';
