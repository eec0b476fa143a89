import { api } from '../api-client';
import { JsonView } from '../components/json-view';
import { LoadState } from '../components/notice';
import { PageTitle } from '../components/page-title';
import { useLoad } from '../components/use-load';
import { when } from '../session';

/** The event-type catalog: each type's versions, description and JSON Schema. */
export function EventTypesPage() {
  const catalog = useLoad(() => api.GET('/v1/event-types'), 'catalog');
  return (
    <section>
      <PageTitle>Event types</PageTitle>
      <LoadState loading={catalog.loading} error={catalog.error} what="the catalog" />
      {catalog.data &&
        (catalog.data.items.length === 0 ? (
          <p>
            No event types are registered. Register one with <code>outbox event-types add TYPE --schema file.json</code>.
          </p>
        ) : (
          catalog.data.items.map((type) => (
            <details key={`${type.type}@${type.version}`} class="event-type">
              <summary>
                <span class="mono">{type.type}</span>
                {` v${type.version}`}
                {type.deprecated && <span class="badge status-expired">deprecated</span>}
                {type.description && <span class="muted">{` · ${type.description}`}</span>}
              </summary>
              <p class="muted">{`Updated ${when(type.updatedAt)}`}</p>
              <JsonView value={type.schema} label={`Schema of ${type.type} version ${type.version}`} />
            </details>
          ))
        ))}
    </section>
  );
}
