/**
 * One event shape across publish, match, test-pattern and what targets receive: EventBridge's own,
 * `{ source, "detail-type", detail }`. `detailType` (PutEvents' DetailType, and what this API took
 * for publish before) is accepted in its place; it becomes `detail-type` before matching, so a
 * pattern on `detail-type` sees it.
 */
import { JsonText } from "../eventbridge/json-path.js";
import { withDefaultMembers } from "./sdk-shapes.js";

/** The detail type an entry or event names, whichever spelling it used (undefined: neither). */
export function detailTypeOf(members: { "detail-type"?: unknown; detailType?: unknown }): unknown {
  return members["detail-type"] ?? members.detailType;
}

/** An event object with `detailType` also written `detail-type` (its own `detail-type` wins). */
export function withEnvelopeDetailType(event: unknown): unknown {
  if (typeof event === "string") return withEnvelopeDetailTypeText(event);
  if (typeof event !== "object" || event === null || Array.isArray(event)) return event;
  if (!Object.hasOwn(event, "detailType") || Object.hasOwn(event, "detail-type")) return event;
  return { ...event, "detail-type": (event as { detailType: unknown }).detailType };
}

/** The same for an event's JSON text, which keeps its numbers digit for digit. */
export function withEnvelopeDetailTypeText(text: string): string {
  let alias: string | undefined;
  try {
    const object = new JsonText(text);
    if (object.child("detail-type") !== undefined) return text;
    alias = object.child("detailType")?.json();
  } catch {
    return text; // not JSON: the matcher says so in EventBridge's words
  }
  return alias === undefined ? text : withDefaultMembers(text, { "detail-type": JSON.parse(alias) });
}
