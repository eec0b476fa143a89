import { useState } from 'preact/hooks';
import type { Problem } from '../api-client';
import { Notice } from '../components/notice';

/**
 * Signing in: an operator (or a tenant's service) pastes an API key; a tenant's people arrive by
 * portal link instead. An expired link, or a key that stopped working, is said here in words.
 */
export function SignInPage(props: { problem: Problem | undefined; onSignIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const expired = props.problem?.title === 'Portal link expired';
  document.title = expired ? 'Link expired · outbox console' : 'Sign in · outbox console';
  return (
    <main id="main" class="sign-in">
      {expired ? (
        <>
          <h1>This portal link has expired</h1>
          <Notice kind="error">{props.problem!.detail}</Notice>
          <p>Portal links work for a limited time. Ask the team that sent you this link for a new one.</p>
        </>
      ) : (
        <>
          <h1>Sign in to the outbox console</h1>
          {props.problem && <Notice kind="error">{`${props.problem.title}: ${props.problem.detail}`}</Notice>}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              const value = key.trim();
              if (!/^(obk_|obp_)/.test(value)) return setError('API key: paste a key that starts with obk_ (from `outbox api-keys create --operator`).');
              setError(undefined);
              props.onSignIn(value);
            }}
          >
            <label for="api-key">API key</label>
            <input
              id="api-key"
              name="api-key"
              type="password"
              autoComplete="off"
              value={key}
              onInput={(event) => setKey(event.currentTarget.value)}
              aria-describedby="api-key-help"
              aria-invalid={error ? true : undefined}
            />
            <p id="api-key-help" class="muted">
              An operator key from <code>outbox api-keys create --operator</code>, or a tenant key. It is kept in this tab only.
            </p>
            {error && <Notice kind="error">{error}</Notice>}
            <button type="submit" class="primary">
              Sign in
            </button>
          </form>
        </>
      )}
    </main>
  );
}
