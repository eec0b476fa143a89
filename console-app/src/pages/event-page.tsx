import { useEffect, useState } from 'preact/hooks';
import { api, describeProblem } from '../api-client';
import { AttemptTimeline } from '../components/attempt-timeline';
import { JsonView } from '../components/json-view';
import { LoadState, Notice } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { useLoad } from '../components/use-load';
import { Link } from '../router';
import { useMe, when } from '../session';
import { NotFoundPage } from './not-found-page';

const UNFINISHED = new Set(['pending', 'dispatched']);

/** One event: its envelope and payload, each route's state, the attempts, and its workflow. */
export function EventPage(props: { id: string }) {
  const me = useMe();
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string }>();
  // After a retry: refresh until a newer attempt has settled (delivered, or dead-lettered again), for at most a minute.
  const [watch, setWatch] = useState<{ attemptsBefore: number; until: number }>();
  const event = useLoad(() => api.GET('/v1/events/{id}', { params: { path: { id: props.id } } }), props.id);
  const attempts = useLoad(() => api.GET('/v1/deliveries', { params: { query: { eventId: props.id, limit: 200 } } }), props.id);
  const data = event.data;
  const attemptsMade = data ? data.routes.reduce((sum, route) => sum + route.attempts, 0) : 0;
  const settledAfterRetry =
    !watch ||
    Date.now() > watch.until ||
    (attemptsMade > watch.attemptsBefore && (data?.status !== 'dead_lettered' || data.routes.some((route) => route.openDeadLetterId)));
  const unfinished = data !== undefined && (UNFINISHED.has(data.status) || !settledAfterRetry);
  // While the event is under way (or a retry was just sent), refresh every 2 s.
  useEffect(() => {
    if (!unfinished) return setWatch(undefined);
    const timer = setTimeout(() => {
      event.reload();
      attempts.reload();
    }, 2000);
    return () => clearTimeout(timer);
  }, [data, unfinished]);

  if (event.error?.startsWith('Event not found')) return <NotFoundPage what="event" detail={event.error} />;
  const act = async (deadLetterId: string, action: 'retry' | 'discard') => {
    const { data: outcome, error } =
      action === 'retry'
        ? await api.POST('/v1/dead-letters/{id}/retry', { params: { path: { id: deadLetterId } }, body: {} })
        : await api.POST('/v1/dead-letters/{id}/discard', { params: { path: { id: deadLetterId } }, body: { reason: 'discarded in the console' } });
    if (error || !outcome) return setResult({ kind: 'error', text: describeProblem(error) });
    if (outcome.failed.length > 0) return setResult({ kind: 'error', text: `Could not ${action}: ${outcome.failed[0]!.error}` });
    setResult({ kind: 'ok', text: action === 'retry' ? 'Retry sent: the delivery runs again; this page refreshes until it finishes.' : 'Discarded.' });
    if (action === 'retry') setWatch({ attemptsBefore: attemptsMade, until: Date.now() + 60_000 });
    event.reload();
    attempts.reload();
  };
  const temporalUrl =
    data?.workflowId && me.temporalUi
      ? `${me.temporalUi.url}/namespaces/${encodeURIComponent(me.temporalUi.namespace)}/workflows/${encodeURIComponent(data.workflowId)}`
      : undefined;
  return (
    <section>
      <PageTitle>{`Event ${props.id}`}</PageTitle>
      <p>
        <Link href="/events">All events</Link>
      </p>
      <LoadState loading={event.loading && !data} error={event.error} what="the event" />
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {data && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>
              <span class={`badge status-${data.status}`}>{data.status.replace('_', ' ')}</span>
            </dd>
            <dt>Type</dt>
            <dd>{`${data.type} v${data.version}`}</dd>
            <dt>Key</dt>
            <dd class="mono">{data.idempotencyKey}</dd>
            {me.scope === 'operator' && (
              <>
                <dt>Tenant</dt>
                <dd>{data.tenant}</dd>
              </>
            )}
            <dt>Aggregate</dt>
            <dd>{data.aggregateType ? `${data.aggregateType} ${data.aggregateId ?? ''}` : '—'}</dd>
            <dt>Correlation id</dt>
            <dd>{data.correlationId ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{when(data.createdAt)}</dd>
            <dt>Finished</dt>
            <dd>{when(data.finishedAt)}</dd>
            <dt>Workflow</dt>
            <dd class="mono">
              {data.workflowId ?? 'not started yet'}
              {temporalUrl && (
                <>
                  {' '}
                  <a href={temporalUrl} target="_blank" rel="noreferrer">
                    Open in the Temporal UI
                  </a>
                </>
              )}
            </dd>
          </dl>
          <h2>Routes</h2>
          {data.routes.length === 0 ? (
            <p>No subscription has been tried for this event yet.</p>
          ) : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Routes">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Subscription</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last outcome</th>
                    <th scope="col">Last answer</th>
                    <th scope="col">Dead letter</th>
                  </tr>
                </thead>
                <tbody>
                  {data.routes.map((route) => (
                    <tr key={route.subscription}>
                      <td>
                        <Link href={`/subscriptions/${encodeURIComponent(route.subscription)}`}>{route.subscription}</Link>
                      </td>
                      <td>{route.attempts}</td>
                      <td>
                        <span class={`badge outcome-${route.lastOutcome}`}>{route.lastOutcome.replace('_', ' ')}</span>
                      </td>
                      <td>
                        {route.lastStatusCode === null
                          ? (route.lastError ?? '—')
                          : `HTTP ${route.lastStatusCode}${route.lastError ? `: ${route.lastError}` : ''}`}
                      </td>
                      <td>
                        {route.openDeadLetterId ? (
                          <span class="row-actions">
                            <button type="button" class="primary" onClick={() => void act(route.openDeadLetterId!, 'retry')}>
                              {`Retry ${route.subscription}`}
                            </button>
                            <button type="button" onClick={() => void act(route.openDeadLetterId!, 'discard')}>
                              {`Discard ${route.subscription}`}
                            </button>
                          </span>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Attempts</h2>
          <LoadState loading={attempts.loading && !attempts.data} error={attempts.error} what="the attempts" />
          {attempts.data && <AttemptTimeline attempts={[...attempts.data.items].reverse()} />}
          <h2>Payload</h2>
          <JsonView value={data.payload} label="Payload" />
        </>
      )}
    </section>
  );
}
