import { createHash } from "node:crypto";

/** A strong ETag from a representation's content. */
export function etagOf(value: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify(value)).digest("base64url").slice(0, 22)}"`;
}

/** RFC 9110 If-Match / If-None-Match list: `*` or comma-separated entity tags (weak ones never match If-Match). */
export function etagListMatches(header: string, etag: string | undefined, { weak = false } = {}): boolean {
  if (etag === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === "*") return true;
  return trimmed
    .split(",")
    .map((t) => t.trim())
    .some((t) => t === etag || (weak && t === `W/${etag}`));
}
