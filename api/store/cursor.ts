/**
 * Opaque list cursors. A cursor only carries the last sort-key value and the scope (the partition)
 * it was issued for; the repository rebuilds the ExclusiveStartKey inside the partition it was asked
 * to read, which the caller was authorized for. A forged cursor can therefore only move the start
 * point within data the caller may already see, never into another team's partition.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not valid for this list.");
    this.name = "InvalidCursorError";
  }
}

export function encodeCursor(scope: string, last: string): string {
  return Buffer.from(JSON.stringify({ s: scope, l: last })).toString("base64url");
}

/** The last sort-key value of the previous page, or undefined for the first page. */
export function decodeCursor(scope: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const { s, l } = (parsed ?? {}) as { s?: unknown; l?: unknown };
  if (s !== scope || typeof l !== "string") throw new InvalidCursorError();
  return l;
}

export interface Page<T> {
  items: T[];
  /** Present when there may be more items. */
  nextCursor?: string;
}
