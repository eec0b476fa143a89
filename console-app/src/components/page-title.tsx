import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** The page's heading, also the tab's title; focus moves to it when the page changes. */
export function PageTitle(props: { children: string; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${props.children} · outbox console`;
  }, [props.children]);
  return (
    <div class="page-title">
      <h1 tabIndex={-1} id="page-heading">
        {props.children}
      </h1>
      {props.actions}
    </div>
  );
}
