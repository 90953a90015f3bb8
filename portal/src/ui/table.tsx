/**
 * Lists as every page shows them: a table with its header row, and the states of a list read from
 * the API (its problem, loading, empty, the items).
 */
import type { ReactNode } from "react";
import { Loading } from "./kit.js";
import { ProblemView } from "./problem.js";

/** A column's title; `{ hidden }` for a column of buttons, named for screen readers only. */
export type Column = string | { hidden: string };

export function Table({
  label,
  columns,
  children,
}: {
  label?: string;
  columns: readonly Column[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={typeof c === "string" ? c : c.hidden} scope="col">
                {typeof c === "string" ? c : <span className="visually-hidden">{c.hidden}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** What a list query holds: TanStack Query's result, narrowed to what ListView reads. */
interface ListQuery<T> {
  error: unknown;
  isPending: boolean;
  data?: { items: T[] } | undefined;
}

/**
 * A list read from the API: its problem if the read failed, "Loading …" until it answers, then the
 * items (`children`), or `empty` when there are none.
 */
export function ListView<T>({
  query,
  what,
  empty,
  children,
}: {
  query: ListQuery<T>;
  /** What is loading, as in "Loading deployments…". */
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const items = query.data?.items;
  return (
    <>
      <ProblemView error={query.error} />
      {query.isPending ? (
        <Loading what={what} />
      ) : items?.length ? (
        children(items)
      ) : query.data ? (
        <p className="empty">{empty}</p>
      ) : null}
    </>
  );
}
