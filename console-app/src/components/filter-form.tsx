import { useState } from 'preact/hooks';

/** One field of a filter form: a name in the address's query, a label, and a kind of input. */
export interface FilterField {
  name: string;
  label: string;
  kind?: 'text' | 'datetime' | 'select';
  options?: string[];
  placeholder?: string;
}

/**
 * A filter form whose values live in the address (so Back, bookmarks and shared links keep
 * them). Submitting hands the new values to `onApply`, which navigates.
 */
export function FilterForm(props: { fields: FilterField[]; values: URLSearchParams; onApply: (values: Record<string, string>) => void; label: string }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(props.fields.map((f) => [f.name, props.values.get(f.name) ?? ''])));
  const set = (name: string, value: string) => setValues((previous) => ({ ...previous, [name]: value }));
  return (
    <form
      class="filters"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(values);
      }}
    >
      {props.fields.map((field) => {
        const id = `filter-${field.name}`;
        const value = values[field.name] ?? '';
        return (
          <div class="field" key={field.name}>
            <label for={id}>{field.label}</label>
            {field.kind === 'select' ? (
              <select id={id} name={field.name} value={value} onChange={(event) => set(field.name, event.currentTarget.value)}>
                <option value="">any</option>
                {field.options?.map((option) => (
                  <option key={option} value={option}>
                    {option.replace('_', ' ')}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={field.name}
                type={field.kind === 'datetime' ? 'datetime-local' : 'text'}
                value={value}
                placeholder={field.placeholder}
                onInput={(event) => set(field.name, event.currentTarget.value)}
              />
            )}
          </div>
        );
      })}
      <div class="field actions">
        <button type="submit" class="primary">
          Search
        </button>
        <button
          type="button"
          onClick={() => {
            const empty = Object.fromEntries(props.fields.map((f) => [f.name, '']));
            setValues(empty);
            props.onApply(empty);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

/** A `datetime-local` value (local time) as the ISO time the API takes; undefined when empty. */
export const isoFromLocal = (value: string | null): string | undefined => (value ? new Date(value).toISOString() : undefined);
