import { useCallback, useState } from "react";

/**
 * Paging over the API's opaque cursors: the cursors of the pages read so far, so "previous" goes
 * back without the API having to page backwards.
 */
export function usePages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const previous = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const next = useCallback((nextCursor: string | undefined) => setCursors((c) => [...c, nextCursor]), []);
  const reset = useCallback(() => setCursors([undefined]), []);
  /** `cursor`: the page to read now (undefined: the first page). */
  return { cursor: cursors.at(-1), page: cursors.length, previous, next, reset };
}

export function Pager({
  pages,
  nextCursor,
  labels = ["Previous", "Next"],
}: {
  pages: ReturnType<typeof usePages>;
  nextCursor: string | undefined;
  labels?: [string, string];
}) {
  return (
    <div className="pager">
      <button type="button" className="button small" disabled={pages.page < 2} onClick={pages.previous}>
        {labels[0]}
      </button>
      <span className="muted small">Page {pages.page}</span>
      <button
        type="button"
        className="button small"
        disabled={!nextCursor}
        onClick={() => pages.next(nextCursor)}
      >
        {labels[1]}
      </button>
    </div>
  );
}
