import { useState } from 'preact/hooks';
import { api, describeProblem, type Schemas } from '../api-client';
import { useMe } from '../session';
import { parseJsonField } from './json-view';
import { Notice } from './notice';

const KINDS = ['webhook', 'slack', 'n8n', 'redis-stream', 'nats', 'rabbitmq', 'mqtt', 'kafka', 'realtime'];

/**
 * Creates a subscription. A webhook needs a URL (its signing secret is generated and shown once);
 * other kinds take their settings as JSON. Operator-only settings (another tenant, private
 * addresses) are on the form only for operators; for a tenant they are not there at all.
 */
export function SubscriptionForm(props: { onCreated: (created: Schemas['Subscription'] & { secret?: string }) => void }) {
  const me = useMe();
  const [values, setValues] = useState({
    name: '',
    events: '',
    kind: 'webhook',
    url: '',
    config: '',
    filter: '',
    tenant: '',
    ordered: false,
    privateAddresses: false,
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof values, value: string | boolean) => setValues((previous) => ({ ...previous, [name]: value }));
  const submit = async () => {
    if (!values.events.trim()) return setError('Events: give a pattern of event types, e.g. order.* or * for every type.');
    const filter = parseJsonField('Filter', values.filter);
    const config = values.kind === 'webhook' ? { value: { url: values.url.trim() } as Record<string, unknown> } : parseJsonField('Settings', values.config);
    if (filter.error || config.error) return setError(filter.error ?? config.error);
    if (values.kind === 'webhook' && !values.url.trim()) return setError('URL: give the webhook endpoint, e.g. https://example.com/hooks.');
    if (values.privateAddresses) config.value = { ...config.value, allowPrivateAddresses: true };
    setBusy(true);
    const { data, error: problem } = await api.POST('/v1/subscriptions', {
      body: {
        events: values.events.trim(),
        // The form collects any kind's settings as JSON; the API checks them against that kind's schema.
        target: { kind: values.kind, config: config.value ?? {} } as Schemas['NewSubscriptionInput']['target'],
        ...(values.name.trim() && { name: values.name.trim() }),
        ...(values.tenant.trim() && { tenant: values.tenant.trim() }),
        ...(values.ordered && { ordered: true }),
        ...(filter.value && { filter: filter.value }),
      },
    });
    setBusy(false);
    if (!data) return setError(describeProblem(problem));
    setError(undefined);
    props.onCreated(data);
  };
  const input = (name: 'name' | 'events' | 'url' | 'tenant', label: string, help?: string) => (
    <div class="field">
      <label for={`new-${name}`}>{label}</label>
      <input id={`new-${name}`} value={values[name]} onInput={(event) => set(name, event.currentTarget.value)} aria-describedby={help && `new-${name}-help`} />
      {help && (
        <small id={`new-${name}-help`} class="muted">
          {help}
        </small>
      )}
    </div>
  );
  return (
    <form
      class="stack"
      aria-label="New subscription"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {input('name', 'Name', 'unique; generated when left empty')}
      {input('events', 'Events', 'event types to receive, e.g. order.* or *')}
      <div class="field">
        <label for="new-kind">Kind</label>
        <select id="new-kind" value={values.kind} onChange={(event) => set('kind', event.currentTarget.value)}>
          {KINDS.map((kind) => (
            <option key={kind}>{kind}</option>
          ))}
        </select>
      </div>
      {values.kind === 'webhook' ? (
        input('url', 'URL', 'the endpoint that receives a signed POST per event')
      ) : (
        <div class="field">
          <label for="new-config">Settings (JSON)</label>
          <textarea id="new-config" rows={4} value={values.config} onInput={(event) => set('config', event.currentTarget.value)} />
        </div>
      )}
      <div class="field">
        <label for="new-filter">Filter (JSON, optional)</label>
        <textarea
          id="new-filter"
          rows={3}
          placeholder='{"data.total": {"$gte": 100}}'
          value={values.filter}
          onInput={(event) => set('filter', event.currentTarget.value)}
        />
      </div>
      <div class="field check">
        <input id="new-ordered" type="checkbox" checked={values.ordered} onChange={(event) => set('ordered', event.currentTarget.checked)} />
        <label for="new-ordered">Deliver in order per aggregate</label>
      </div>
      {me.scope === 'operator' && (
        <fieldset>
          <legend>Operator settings</legend>
          {input('tenant', 'Tenant', 'a tenant id, or * (the default) for every tenant')}
          <div class="field check">
            <input
              id="new-private"
              type="checkbox"
              checked={values.privateAddresses}
              onChange={(event) => set('privateAddresses', event.currentTarget.checked)}
            />
            <label for="new-private">May reach private addresses</label>
          </div>
        </fieldset>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <button type="submit" class="primary" disabled={busy}>
        Create subscription
      </button>
    </form>
  );
}
