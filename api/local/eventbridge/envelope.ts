/**
 * The event as EventBridge delivers it. Built as text so the customer's `detail` keeps its numbers
 * exactly (JSON.parse would round big integers), with AWS's field order; `replay-name` sits after
 * `region` on replayed events, as in AWS's output.
 */
export interface EventParts {
  id: string;
  detailType: string;
  source: string;
  account: string;
  /** Second precision, `Z` suffix (envelopeTime). */
  time: string;
  region: string;
  resources: string[];
  /** The detail as compact JSON text (compactJson). */
  detail: string;
}

export function envelopeText(event: EventParts, replayName?: string): string {
  const s = JSON.stringify;
  return (
    `{"version":"0","id":${s(event.id)},"detail-type":${s(event.detailType)},"source":${s(event.source)},` +
    `"account":${s(event.account)},"time":${s(event.time)},"region":${s(event.region)},` +
    (replayName === undefined ? "" : `"replay-name":${s(replayName)},`) +
    `"resources":${s(event.resources)},"detail":${event.detail}}`
  );
}

/** `2026-01-02T03:04:05Z`: the envelope's time drops milliseconds. */
export function envelopeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Removes insignificant whitespace from valid JSON text without re-encoding anything, so numbers
 * and string escapes stay exactly as the sender wrote them.
 */
export function compactJson(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch !== " " && ch !== "\n" && ch !== "\r" && ch !== "\t") {
      out += ch;
    }
  }
  return out;
}
