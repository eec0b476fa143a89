import { useState } from 'preact/hooks';
import { api } from '../api-client';
import { LoadState, Notice } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { Pager } from '../components/pager';
import { SubscriptionForm } from '../components/subscription-form';
import { useLoad } from '../components/use-load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useMe } from '../session';

/** Subscriptions: the list (paged), and a form to create one. */
export function SubscriptionsPage() {
  const me = useMe();
  const { query } = useLocation();
  const cursor = query.get('cursor') || undefined;
  const list = useLoad(() => api.GET('/v1/subscriptions', { params: { query: { limit: 50, cursor } } }), query.toString());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; id: string; secret?: string }>();
  return (
    <section>
      <PageTitle
        actions={
          !creating && (
            <button type="button" class="primary" onClick={() => setCreating(true)}>
              New subscription
            </button>
          )
        }
      >
        Subscriptions
      </PageTitle>
      {created && (
        <Notice kind="ok">
          {`Created ${created.name}. `}
          {created.secret && (
            <>
              {'Its signing secret, shown only now: '}
              <code class="secret">{created.secret}</code>
              {'. '}
            </>
          )}
          <Link href={`/subscriptions/${encodeURIComponent(created.id)}`}>{`Open ${created.name}`}</Link>
        </Notice>
      )}
      {creating && (
        <SubscriptionForm
          onCreated={(subscription) => {
            setCreating(false);
            setCreated(subscription);
            list.reload();
          }}
        />
      )}
      <LoadState loading={list.loading} error={list.error} what="subscriptions" />
      {list.data &&
        (list.data.items.length === 0 ? (
          <p>No subscriptions yet. Create one to start receiving events.</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Subscriptions">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {me.scope === 'operator' && <th scope="col">Tenant</th>}
                  <th scope="col">Events</th>
                  <th scope="col">Target</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link href={`/subscriptions/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                    </td>
                    {me.scope === 'operator' && <td>{s.tenant}</td>}
                    <td class="mono">{s.events}</td>
                    <td>{`${s.targetKind}: ${s.target}`}</td>
                    <td>{s.enabled ? 'enabled' : `disabled${s.disabledReason ? `: ${s.disabledReason}` : ''}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {list.data && <Pager cursor={cursor} nextCursor={list.data.nextCursor} onPage={(next) => navigate(withQuery('/subscriptions', { cursor: next }))} />}
    </section>
  );
}
