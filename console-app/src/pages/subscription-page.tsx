import { api } from '../api-client';
import { AttemptTimeline } from '../components/attempt-timeline';
import { JsonView } from '../components/json-view';
import { LoadState } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { SubscriptionActions } from '../components/subscription-actions';
import { SubscriptionSettings } from '../components/subscription-settings';
import { useLoad } from '../components/use-load';
import { Link } from '../router';
import { useMe, when } from '../session';
import { NotFoundPage } from './not-found-page';

/** One subscription: its settings, actions, breaker, recent attempts and the audit of its changes. */
export function SubscriptionPage(props: { id: string }) {
  const me = useMe();
  const subscription = useLoad(() => api.GET('/v1/subscriptions/{id}', { params: { path: { id: props.id } } }), props.id);
  const breaker = useLoad(() => api.GET('/v1/subscriptions/{id}/breaker', { params: { path: { id: props.id } } }), props.id);
  const attempts = useLoad(() => api.GET('/v1/deliveries', { params: { query: { subscription: props.id, limit: 20 } } }), props.id);
  const audit = useLoad(() => api.GET('/v1/subscriptions/{id}/audit', { params: { path: { id: props.id }, query: { limit: 20 } } }), props.id);
  if (subscription.error?.startsWith('Subscription not found')) return <NotFoundPage what="subscription" detail={subscription.error} />;
  const s = subscription.data;
  const reload = () => {
    subscription.reload();
    breaker.reload();
    attempts.reload();
    audit.reload();
  };
  return (
    <section>
      <PageTitle>{s ? `Subscription ${s.name}` : 'Subscription'}</PageTitle>
      <p>
        <Link href="/subscriptions">All subscriptions</Link>
      </p>
      <LoadState loading={subscription.loading && !s} error={subscription.error} what="the subscription" />
      {s && (
        <>
          <dl class="facts">
            <dt>State</dt>
            <dd>{s.enabled ? 'enabled' : `disabled${s.disabledReason ? `: ${s.disabledReason}` : ''}`}</dd>
            {me.scope === 'operator' && (
              <>
                <dt>Tenant</dt>
                <dd>{s.tenant}</dd>
              </>
            )}
            <dt>Target</dt>
            <dd>{`${s.targetKind}: ${s.target}`}</dd>
            <dt>Events</dt>
            <dd class="mono">{s.events}</dd>
            <dt>Secrets</dt>
            <dd>
              {s.secrets.length === 0
                ? 'none'
                : s.secrets
                    .map(
                      (secret) =>
                        `${secret.field.replace('target.config.', '')}: ${secret.storage === 'clear' ? 'stored in clear (no OUTBOX_SECRET_KEYS)' : secret.storage}`,
                    )
                    .join('; ')}
            </dd>
            {s.clientCertificate && (
              <>
                <dt>Client certificate</dt>
                <dd>
                  {`${s.clientCertificate.subject}, issued by ${s.clientCertificate.issuer}, SHA-256 ${s.clientCertificate.fingerprint}, expires ${when(s.clientCertificate.expiresAt)}`}
                  {s.clientCertificate.expiresSoon && <strong>{' (renew it: it expires within 14 days)'}</strong>}
                </dd>
              </>
            )}
            <dt>Breaker</dt>
            <dd>
              {breaker.data
                ? `${breaker.data.state.replace('_', '-')}${breaker.data.consecutiveFailures ? `, ${breaker.data.consecutiveFailures} failures in a row since ${when(breaker.data.failingSince)}` : ''}${breaker.data.lastError ? ` (${breaker.data.lastError})` : ''}`
                : (breaker.error ?? '…')}
            </dd>
            <dt>Created</dt>
            <dd>{when(s.createdAt)}</dd>
          </dl>
          <SubscriptionActions subscription={s} onChanged={reload} />
          <h2>Settings</h2>
          <SubscriptionSettings key={JSON.stringify([s.events, s.filter, s.ordered])} subscription={s} onSaved={reload} />
          <h2>Retry policy</h2>
          <JsonView value={s.retryPolicy} label="Retry policy" />
          <h2>Recent attempts</h2>
          <LoadState loading={attempts.loading && !attempts.data} error={attempts.error} what="attempts" />
          {attempts.data && <AttemptTimeline attempts={attempts.data.items} />}
          <h2>Changes</h2>
          {audit.data && (
            <ul>
              {audit.data.items.map((entry) => (
                <li key={entry.id}>{`${when(entry.at)}: ${entry.action}${entry.changed.length ? ` (${entry.changed.join(', ')})` : ''} by ${entry.actor}`}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
