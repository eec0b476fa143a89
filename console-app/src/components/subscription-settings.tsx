import { useState } from 'preact/hooks';
import { api, describeProblem, type Schemas } from '../api-client';
import { parseJsonField } from './json-view';
import { Notice } from './notice';

/** Edits what a subscription receives: its event pattern, its content filter and ordering. Only what changed is sent. */
export function SubscriptionSettings(props: { subscription: Schemas['Subscription']; onSaved: () => void }) {
  const s = props.subscription;
  const [events, setEvents] = useState(s.events);
  const [filter, setFilter] = useState(s.filter ? JSON.stringify(s.filter, null, 2) : '');
  const [ordered, setOrdered] = useState(s.ordered);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const save = async () => {
    const parsed = parseJsonField('Filter', filter);
    if (parsed.error) return setResult({ kind: 'error', text: parsed.error });
    const body = {
      ...(events.trim() !== s.events && { events: events.trim() }),
      // A cleared filter is removed explicitly (removeFilter); null is not a value the API takes.
      ...(JSON.stringify(parsed.value ?? null) !== JSON.stringify(s.filter) &&
        (parsed.value === undefined ? { removeFilter: true } : { filter: parsed.value })),
      ...(ordered !== s.ordered && { ordered }),
    };
    if (Object.keys(body).length === 0) return setResult({ kind: 'ok', text: 'Nothing changed.' });
    const { data, error } = await api.PATCH('/v1/subscriptions/{id}', { params: { path: { id: s.id } }, body });
    if (!data) return setResult({ kind: 'error', text: describeProblem(error) });
    setResult({ kind: 'ok', text: `Saved: ${Object.keys(body).join(', ')}.` });
    props.onSaved();
  };
  return (
    <form
      class="stack"
      aria-label="Settings"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div class="field">
        <label for="edit-events">Events</label>
        <input id="edit-events" value={events} onInput={(event) => setEvents(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="edit-filter">Filter (JSON; empty for none)</label>
        <textarea id="edit-filter" rows={4} value={filter} onInput={(event) => setFilter(event.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="edit-ordered" type="checkbox" checked={ordered} onChange={(event) => setOrdered(event.currentTarget.checked)} />
        <label for="edit-ordered">Deliver in order per aggregate</label>
      </div>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <button type="submit" class="primary">
        Save settings
      </button>
    </form>
  );
}
