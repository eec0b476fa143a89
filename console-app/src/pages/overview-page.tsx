import { api } from '../api-client';
import { MinuteChart } from '../components/minute-chart';
import { LoadState } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { useLoad } from '../components/use-load';
import { Link } from '../router';
import { when } from '../session';

const seconds = (value: number | null) => (value === null ? 'none' : value < 90 ? `${Math.round(value)} s` : `${Math.round(value / 60)} min`);

/** Overview: backlog, the last hour, dead letters, and endpoints in trouble, in the viewer's scope. */
export function OverviewPage() {
  const overview = useLoad(() => api.GET('/v1/overview'), 'overview');
  const data = overview.data;
  return (
    <section>
      <PageTitle
        actions={
          <button type="button" onClick={overview.reload}>
            Refresh
          </button>
        }
      >
        Overview
      </PageTitle>
      <LoadState loading={overview.loading && !data} error={overview.error} what="the overview" />
      {data && (
        <>
          <dl class="figures">
            <div>
              <dt>Backlog</dt>
              <dd>{data.pending}</dd>
            </div>
            <div>
              <dt>Oldest pending</dt>
              <dd>{seconds(data.oldestPendingAgeSeconds)}</dd>
            </div>
            <div>
              <dt>Success rate, last hour</dt>
              <dd>{data.successRate === null ? 'no attempts' : `${(data.successRate * 100).toFixed(1)} %`}</dd>
            </div>
            <div>
              <dt>Open dead letters</dt>
              <dd>{data.openDeadLetters > 0 ? <Link href="/dead-letters">{String(data.openDeadLetters)}</Link> : '0'}</dd>
            </div>
          </dl>
          <h2>Deliveries</h2>
          <MinuteChart minutes={data.lastHour} />
          <h2>Endpoints in trouble</h2>
          {data.openBreakers.length === 0 && data.disabledSubscriptions.length === 0 && data.expiringCertificates.length === 0 ? (
            <p>None: every endpoint is enabled, no circuit breaker is open and no client certificate is about to expire.</p>
          ) : (
            <ul class="trouble">
              {data.disabledSubscriptions.map((s) => (
                <li key={`disabled-${s.id}`}>
                  <Link href={`/subscriptions/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                  {` is disabled${s.reason ? `: ${s.reason}` : ''}.`}
                </li>
              ))}
              {data.expiringCertificates.map((c) => (
                <li key={`certificate-${c.subscriptionId}`}>
                  <Link href={`/subscriptions/${encodeURIComponent(c.subscriptionId)}`}>{c.subscription}</Link>
                  {`: its client certificate (${c.subject}) expires ${when(c.expiresAt)}; renew it.`}
                </li>
              ))}
              {data.openBreakers.map((b) => (
                <li key={`breaker-${b.subscription}-${b.endpoint}`}>
                  <Link href={`/subscriptions/${encodeURIComponent(b.subscription)}`}>{b.subscription}</Link>
                  {`: circuit breaker ${b.state.replace('_', '-')} for ${b.endpoint}, failing since ${when(b.failingSince)}${b.lastError ? ` (${b.lastError})` : ''}.`}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
