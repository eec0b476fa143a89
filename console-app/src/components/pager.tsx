/**
 * Pages a list that the API pages with cursors: "Next page" continues after the last row shown,
 * "First page" starts over. The page's cursor lives in the address, so Back returns to it.
 */
export function Pager(props: { nextCursor: string | null | undefined; cursor: string | undefined; onPage: (cursor: string | undefined) => void }) {
  if (!props.nextCursor && !props.cursor) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.cursor && (
        <button type="button" onClick={() => props.onPage(undefined)}>
          First page
        </button>
      )}
      {props.nextCursor && (
        <button type="button" onClick={() => props.onPage(props.nextCursor ?? undefined)}>
          Next page
        </button>
      )}
    </nav>
  );
}
