import { useEffect, useState } from 'preact/hooks';
import { api, describeProblem } from '../api-client';
import { ConfirmAction } from '../components/confirm-action';
import { FilterForm, type FilterField } from '../components/filter-form';
import { LoadState, Notice } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { Pager } from '../components/pager';
import { useLoad } from '../components/use-load';
import { Link, navigate, useLocation, withQuery } from '../router';
import { useMe, when } from '../session';

type Pending = { action: 'retry' | 'discard'; ids?: string[]; count: number };

/** Dead letters: filter, select, then retry or discard them in bulk, after a confirmation with the count. */
export function DeadLettersPage() {
  const me = useMe();
  const { query } = useLocation();
  const get = (name: string) => query.get(name) || undefined;
  const filter = { tenant: get('tenant'), events: get('events') };
  const list = useLoad(() => api.GET('/v1/dead-letters', { params: { query: { ...filter, limit: 50, cursor: get('cursor') } } }), query.toString());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<Pending>();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string }>();
  // Dead letters just retried or discarded stay open until their workflows take the signal: refresh until they are gone (30 s at most).
  const [resolving, setResolving] = useState<{ ids: Set<string>; until: number }>();
  const fields: FilterField[] = [
    ...(me.scope === 'operator' ? [{ name: 'tenant', label: 'Tenant' }] : []),
    { name: 'events', label: 'Event type', placeholder: 'order.*' },
  ];
  const items = list.data?.items ?? [];
  useEffect(() => {
    if (!resolving) return;
    if (Date.now() > resolving.until || !items.some((item) => resolving.ids.has(item.id))) return setResolving(undefined);
    const timer = setTimeout(list.reload, 1500);
    return () => clearTimeout(timer);
  }, [list.data, resolving]);
  const toggle = (id: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  // The count shown in the confirmation comes from the API's dry run, not from the page.
  const ask = async (action: Pending['action'], ids?: string[]) => {
    setResult(undefined);
    const body = { ...filter, ...(ids && { ids }), dryRun: true };
    const { data, error } =
      action === 'retry'
        ? await api.POST('/v1/dead-letters/retry', { body })
        : await api.POST('/v1/dead-letters/discard', { body: { ...body, reason: 'dry run' } });
    if (!data) return setResult({ kind: 'error', text: describeProblem(error) });
    if (data.matched === 0) return setResult({ kind: 'error', text: 'No open dead letter matches any more; refresh the list.' });
    setPending({ action, ...(ids && { ids }), count: data.matched });
  };
  const run = async () => {
    if (!pending) return;
    const body = { ...filter, ...(pending.ids && { ids: pending.ids }) };
    const { data, error } =
      pending.action === 'retry'
        ? await api.POST('/v1/dead-letters/retry', { body })
        : await api.POST('/v1/dead-letters/discard', { body: { ...body, reason: reason.trim() || 'discarded in the console' } });
    setPending(undefined);
    if (!data) return setResult({ kind: 'error', text: describeProblem(error) });
    const verb = pending.action === 'retry' ? 'Retried' : 'Discarded';
    setResult(
      data.failed.length === 0
        ? { kind: 'ok', text: `${verb} ${data.signalled} of ${data.matched} dead letters. The list refreshes as their workflows take it up.` }
        : { kind: 'error', text: `${verb} ${data.signalled} of ${data.matched}; ${data.failed.length} failed: ${data.failed[0]!.error}` },
    );
    setResolving({ ids: new Set(pending.ids ?? items.map((item) => item.id)), until: Date.now() + 30_000 });
    setSelected(new Set());
    list.reload();
  };
  const ids = [...selected];
  return (
    <section>
      <PageTitle>Dead letters</PageTitle>
      <FilterForm
        key={query.toString()}
        label="Filter dead letters"
        fields={fields}
        values={query}
        onApply={(values) => navigate(withQuery('/dead-letters', values))}
      />
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {pending ? (
        <div>
          {pending.action === 'discard' && (
            <div class="field">
              <label for="discard-reason">Why discard (kept with each dead letter)</label>
              <input id="discard-reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
            </div>
          )}
          <ConfirmAction
            question={`${pending.action === 'retry' ? 'Retry' : 'Discard'} ${pending.count} dead letter${pending.count === 1 ? '' : 's'}${pending.ids ? ' (the selected ones)' : ' (every one the filter matches)'}?`}
            confirmLabel={`${pending.action === 'retry' ? 'Retry' : 'Discard'} ${pending.count}`}
            onConfirm={() => void run()}
            onCancel={() => setPending(undefined)}
          />
        </div>
      ) : (
        <div class="toolbar">
          <button type="button" class="primary" disabled={ids.length === 0} onClick={() => void ask('retry', ids)}>
            {`Retry selected (${ids.length})`}
          </button>
          <button type="button" disabled={ids.length === 0} onClick={() => void ask('discard', ids)}>
            {`Discard selected (${ids.length})`}
          </button>
          <button type="button" disabled={items.length === 0} onClick={() => void ask('retry')}>
            Retry all matching
          </button>
          <button type="button" disabled={items.length === 0} onClick={() => void ask('discard')}>
            Discard all matching
          </button>
        </div>
      )}
      <LoadState loading={list.loading} error={list.error} what="dead letters" />
      {list.data &&
        (items.length === 0 ? (
          <p>No open dead letters{filter.events || filter.tenant ? ' match the filter' : ''}.</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Open dead letters">
            <table>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select every dead letter on this page"
                      checked={items.every((item) => selected.has(item.id))}
                      onChange={(event) => setSelected(event.currentTarget.checked ? new Set(items.map((item) => item.id)) : new Set())}
                    />
                  </th>
                  <th scope="col">Event</th>
                  {me.scope === 'operator' && <th scope="col">Tenant</th>}
                  <th scope="col">Type</th>
                  <th scope="col">Key</th>
                  <th scope="col">Subscription</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select dead letter ${item.id} (${item.idempotencyKey})`}
                        checked={selected.has(item.id)}
                        onChange={() => toggle(item.id)}
                      />
                    </td>
                    <td>
                      <Link href={`/events/${item.eventId}`}>{item.eventId}</Link>
                    </td>
                    {me.scope === 'operator' && <td>{item.tenant}</td>}
                    <td>{item.eventType}</td>
                    <td class="mono">{item.idempotencyKey}</td>
                    <td>{item.subscription}</td>
                    <td>{`${item.lastStatusCode === null ? '' : `HTTP ${item.lastStatusCode}: `}${item.lastError}`}</td>
                    <td>{when(item.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {list.data && (
        <Pager cursor={get('cursor')} nextCursor={list.data.nextCursor} onPage={(cursor) => navigate(withQuery('/dead-letters', { ...filter, cursor }))} />
      )}
    </section>
  );
}
