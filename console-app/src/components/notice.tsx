import type { ComponentChildren } from 'preact';

/**
 * The result of an action or a load, in words. Errors are announced at once (role="alert"),
 * results politely (role="status"), so screen readers hear both.
 */
export function Notice(props: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren }) {
  return (
    <p class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

/** A load under way, or its error; nothing once loaded. */
export function LoadState(props: { loading: boolean; error: string | undefined; what: string }) {
  if (props.error) return <Notice kind="error">{`Could not load ${props.what}. ${props.error}`}</Notice>;
  if (props.loading) return <p class="muted" aria-live="polite">{`Loading ${props.what}…`}</p>;
  return null;
}
