import type { ComponentChildren } from 'preact';
import { Link, useLocation } from './router';
import { useMe, when } from './session';

const PAGES: [href: string, label: string][] = [
  ['/', 'Overview'],
  ['/events', 'Events'],
  ['/dead-letters', 'Dead letters'],
  ['/subscriptions', 'Subscriptions'],
  ['/replay', 'Replay'],
  ['/event-types', 'Event types'],
];

/** Every page's frame: a skip link, the navigation, who is signed in, and the page. */
export function Layout(props: { children: ComponentChildren; onSignOut: () => void }) {
  const me = useMe();
  const { path } = useLocation();
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  return (
    <>
      <a class="skip" href="#main">
        Skip to the page
      </a>
      <header class="top">
        <span class="brand">outbox</span>
        <nav aria-label="Console">
          <ul>
            {PAGES.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={current(href) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {me.scope === 'operator' ? 'Operator' : `Tenant ${me.tenant ?? ''}`}
            {me.portalLinkExpiresAt && <span class="muted">{` · link valid until ${when(me.portalLinkExpiresAt)}`}</span>}
          </span>
          <button type="button" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{props.children}</main>
    </>
  );
}
