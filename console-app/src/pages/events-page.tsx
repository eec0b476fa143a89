import { api } from '../api-client';
import { FilterForm, isoFromLocal, type FilterField } from '../components/filter-form';
import { LoadState } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { Pager } from '../components/pager';
import { useLoad } from '../components/use-load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useMe, when } from '../session';

const STATUSES = ['pending', 'dispatched', 'delivered', 'dead_lettered', 'discarded', 'expired', 'compensated'] as const;
type Status = (typeof STATUSES)[number];

const FIELDS: FilterField[] = [
  { name: 'idempotencyKey', label: 'Key', placeholder: 'order-1001' },
  { name: 'type', label: 'Type', placeholder: 'order.*' },
  { name: 'status', label: 'Status', kind: 'select', options: [...STATUSES] },
  { name: 'since', label: 'From', kind: 'datetime' },
  { name: 'until', label: 'To', kind: 'datetime' },
  { name: 'correlationId', label: 'Correlation id' },
  { name: 'aggregateType', label: 'Aggregate type' },
  { name: 'aggregateId', label: 'Aggregate id' },
];

/** Events: search by key, type, status, time, correlation id and aggregate; newest first, paged. */
export function EventsPage() {
  const me = useMe();
  const { query } = useLocation();
  const fields = me.scope === 'operator' ? [{ name: 'tenant', label: 'Tenant' }, ...FIELDS] : FIELDS;
  const get = (name: string) => query.get(name) || undefined;
  const events = useLoad(
    () =>
      api.GET('/v1/events', {
        params: {
          query: {
            limit: 50,
            cursor: get('cursor'),
            tenant: get('tenant'),
            type: get('type'),
            status: get('status') as Status | undefined,
            since: isoFromLocal(query.get('since')),
            until: isoFromLocal(query.get('until')),
            correlationId: get('correlationId'),
            idempotencyKey: get('idempotencyKey'),
            aggregateType: get('aggregateType'),
            aggregateId: get('aggregateId'),
          },
        },
      }),
    query.toString(),
  );
  const apply = (values: Record<string, string | undefined>) => navigate(withQuery('/events', values));
  return (
    <section>
      <PageTitle>Events</PageTitle>
      <FilterForm key={query.toString()} label="Search events" fields={fields} values={query} onApply={apply} />
      <LoadState loading={events.loading} error={events.error} what="events" />
      {events.data && (
        <>
          {events.data.items.length === 0 ? (
            <p>No events match. Widen the search, or clear it.</p>
          ) : (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Events found">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Id</th>
                    {me.scope === 'operator' && <th scope="col">Tenant</th>}
                    <th scope="col">Type</th>
                    <th scope="col">Key</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.items.map((event) => (
                    <tr key={event.id}>
                      <td>
                        <Link href={`/events/${event.id}`}>{event.id}</Link>
                      </td>
                      {me.scope === 'operator' && <td>{event.tenant}</td>}
                      <td>{`${event.type} v${event.version}`}</td>
                      <td class="mono">{event.idempotencyKey}</td>
                      <td>
                        <span class={`badge status-${event.status}`}>{event.status.replace('_', ' ')}</span>
                      </td>
                      <td>{when(event.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager cursor={get('cursor')} nextCursor={events.data.nextCursor} onPage={(cursor) => apply({ ...Object.fromEntries(query), cursor })} />
        </>
      )}
    </section>
  );
}
