/** JSON shown as indented text, in a region that scrolls by itself and can be reached by keyboard. */
export function JsonView(props: { value: unknown; label: string }) {
  return (
    <pre class="json" tabIndex={0} aria-label={props.label}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

/** Parses a JSON text field, naming the field when it is not JSON. */
export function parseJsonField(field: string, text: string): { value?: Record<string, unknown>; error?: string } {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: `${field}: give a JSON object, e.g. {"data.total": {"$gte": 100}}` };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `${field}: not valid JSON (${(error as Error).message}); fix it and try again` };
  }
}
