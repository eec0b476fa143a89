import { useState } from 'preact/hooks';
import { api, describeProblem } from '../api-client';
import { ConfirmAction } from '../components/confirm-action';
import { isoFromLocal } from '../components/filter-form';
import { Notice } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { useMe } from '../session';

/** Replay: a filter, a dry-run count, a confirmation, then the events are delivered again. */
export function ReplayPage() {
  const me = useMe();
  const [values, setValues] = useState({ tenant: '', events: '', since: '', until: '', correlationId: '', subscriptions: '' });
  const [count, setCount] = useState<number>();
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const set = (name: keyof typeof values, value: string) => {
    setValues((previous) => ({ ...previous, [name]: value }));
    setCount(undefined);
  };
  const body = () => ({
    events: values.events.trim(),
    since: isoFromLocal(values.since) ?? '',
    ...(values.until && { until: isoFromLocal(values.until) }),
    ...(values.tenant.trim() && { tenant: values.tenant.trim() }),
    ...(values.correlationId.trim() && { correlationId: values.correlationId.trim() }),
    ...(values.subscriptions.trim() && {
      subscriptions: values.subscriptions
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    }),
  });
  const dryRun = async () => {
    setResult(undefined);
    if (!values.events.trim()) return setResult({ kind: 'error', text: 'Events: give a pattern of event types, e.g. order.*.' });
    if (!values.since) return setResult({ kind: 'error', text: 'From: give the time to replay from.' });
    const { data, error } = await api.POST('/v1/replay', { body: { ...body(), dryRun: true } });
    if (!data) return setResult({ kind: 'error', text: describeProblem(error) });
    if (data.matched === 0) return setResult({ kind: 'info' as 'ok', text: 'No event matches: nothing to replay. Widen the filter.' });
    setCount(data.matched);
  };
  const replay = async () => {
    setCount(undefined);
    const { data, error } = await api.POST('/v1/replay', { body: body() });
    if (!data) return setResult({ kind: 'error', text: describeProblem(error) });
    setResult(
      data.failed.length === 0
        ? { kind: 'ok', text: `Replayed ${data.replayed} of ${data.matched} events.` }
        : { kind: 'error', text: `Replayed ${data.replayed} of ${data.matched}; ${data.failed.length} failed: ${data.failed[0]!.error}` },
    );
  };
  const field = (name: keyof typeof values, label: string, kind = 'text', help?: string) => (
    <div class="field">
      <label for={`replay-${name}`}>{label}</label>
      <input id={`replay-${name}`} type={kind} value={values[name]} onInput={(event) => set(name, event.currentTarget.value)} />
      {help && <small class="muted">{help}</small>}
    </div>
  );
  return (
    <section>
      <PageTitle>Replay</PageTitle>
      <p>Deliver past events again, to every subscription they were routed to or only to some. Count them first; nothing is sent until you confirm.</p>
      <form
        class="stack"
        aria-label="Replay filter"
        onSubmit={(event) => {
          event.preventDefault();
          void dryRun();
        }}
      >
        {me.scope === 'operator' && field('tenant', 'Tenant')}
        {field('events', 'Events', 'text', 'event types, e.g. order.*')}
        {field('since', 'From', 'datetime-local')}
        {field('until', 'To (default: now)', 'datetime-local')}
        {field('correlationId', 'Correlation id')}
        {field('subscriptions', 'Only these subscriptions', 'text', 'names, separated by commas; empty for all')}
        <button type="submit" class="primary">
          Count matching events
        </button>
      </form>
      {count !== undefined && (
        <ConfirmAction
          question={`Replay ${count} event${count === 1 ? '' : 's'}? Each is delivered again, with the same message id.`}
          confirmLabel={`Replay ${count}`}
          onConfirm={() => void replay()}
          onCancel={() => setCount(undefined)}
        />
      )}
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </section>
  );
}
