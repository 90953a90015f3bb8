/**
 * A test event that a rule's pattern would match, as a starting point for the publish editor: for
 * every field the pattern names, its first literal (or a prefix/suffix/equals-ignore-case value).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sampleOf(condition: Json): Json | undefined {
  if (!Array.isArray(condition)) {
    if (condition && typeof condition === "object") return objectFrom(condition);
    return undefined;
  }
  for (const option of condition) {
    if (option === null || typeof option !== "object") return option;
    if (!Array.isArray(option)) {
      for (const op of ["prefix", "suffix", "equals-ignore-case", "wildcard"]) {
        const v = (option as Record<string, Json>)[op];
        if (typeof v === "string") return op === "wildcard" ? v.replace(/\*/g, "x") : v;
      }
    }
  }
  return undefined;
}

function objectFrom(pattern: { [key: string]: Json }): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === "$or") continue;
    const sample = sampleOf(condition);
    if (sample !== undefined) out[key] = sample;
  }
  return out;
}

export interface TemplateEntry {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export function entryFromPattern(pattern: unknown): TemplateEntry {
  const event =
    pattern && typeof pattern === "object" && !Array.isArray(pattern)
      ? objectFrom(pattern as { [key: string]: Json })
      : {};
  const detail = event.detail;
  return {
    source: typeof event.source === "string" ? event.source : "my.app",
    detailType: typeof event["detail-type"] === "string" ? event["detail-type"] : "example",
    detail: detail && typeof detail === "object" && !Array.isArray(detail) ? detail : { hello: "world" },
  };
}

/** A publish request with the entry written as events are (`detail-type`, the canonical envelope field). */
export function publishTemplate(entry: TemplateEntry): string {
  const { source, detailType, detail } = entry;
  return `${JSON.stringify({ entries: [{ source, "detail-type": detailType, detail }] }, null, 2)}\n`;
}

/** The same event in EventBridge's envelope, for pattern tests. */
export function envelopeOf(entry: TemplateEntry): string {
  return `${JSON.stringify({ source: entry.source, "detail-type": entry.detailType, detail: entry.detail }, null, 2)}\n`;
}
