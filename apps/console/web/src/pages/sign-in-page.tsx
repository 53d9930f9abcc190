import { ConsoleSessionResponse } from '@modelyard/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation, useSearch } from 'wouter';
import { call, setCsrfToken } from '../api';
import { usePageTitle } from '../components/page-title';
import { SESSION_KEY } from '../session';

/** Only a path of this app may follow sign-in (never another site: `//evil.example`). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && next !== '/sign-in' ? next : '/';
}

export function SignInPage() {
  usePageTitle('Sign in');
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const next = safeNext(new URLSearchParams(useSearch()).get('next'));
  const [credential, setCredential] = useState('');
  const signIn = useMutation({
    mutationFn: (value: string) => call('/session', { method: 'POST', body: { credential: value }, schema: ConsoleSessionResponse }),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      setCredential('');
      client.setQueryData(SESSION_KEY, session);
      navigate(next);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(credential);
  };
  return (
    <main id="main" className="sign-in">
      <h1>Modelyard console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label htmlFor="credential">API key</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autoComplete="off"
          required
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
        />
        <p id="sign-in-help" className="hint">
          An API key (myk_…) or a JWT. It is checked by the registry and kept on the console&apos;s server, never in this browser.
        </p>
        {signIn.isError && (
          <p role="alert" className="error">
            {signIn.error.message}
          </p>
        )}
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
      </form>
    </main>
  );
}
