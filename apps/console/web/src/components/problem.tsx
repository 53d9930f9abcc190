import { ApiError } from '../api';

/** What went wrong, in words: a 403 says which permission is missing; never a broken page. */
export function Problem({ error, what }: { error: unknown; what?: string }) {
  const prefix = what ? `${what}: ` : '';
  if (error instanceof ApiError && error.status === 403) {
    return (
      <p role="alert" className="problem forbidden">
        {prefix}You do not have permission for this ({error.message}).
      </p>
    );
  }
  if (error instanceof ApiError && error.status === 503) {
    return (
      <p role="alert" className="problem">
        {prefix}The service is unavailable right now ({error.message}).
      </p>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="problem">
      {prefix}
      {message}
    </p>
  );
}
