/**
 * The shape of a JSON request body, checked before anything parses it. JSON.parse's time grows with
 * the arrays and objects a text holds, nested ones most (1 MiB of nested arrays took 110-300 ms of
 * the event loop); one pass over the text, skipping strings, counts them in about a millisecond per
 * 100 KiB. The limits are far above what any request needs: a config has at most 50,000 values and
 * nests 64 levels, an event at most 1,000 (EventBridge's parser).
 */
export const JSON_BODY_LIMITS = {
  /** Arrays and objects inside each other (an event's 1,000 levels and the request around it). */
  depth: 1_100,
  /** Arrays and objects in one body. */
  containers: 200_000,
} as const;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_ARRAY = 91;
const OPEN_OBJECT = 123;
const CLOSE_ARRAY = 93;
const CLOSE_OBJECT = 125;

/** Why the body's shape is refused, in our words; undefined when it is within the limits. */
export function jsonShapeProblem(text: string): string | undefined {
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // To the closing quote (malformed text is JSON.parse's to refuse).
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > JSON_BODY_LIMITS.depth) {
        return `The JSON body nests arrays and objects deeper than ${JSON_BODY_LIMITS.depth.toLocaleString("en-US")} levels.`;
      }
      if (++containers > JSON_BODY_LIMITS.containers) {
        return `The JSON body has more than ${JSON_BODY_LIMITS.containers.toLocaleString("en-US")} arrays and objects.`;
      }
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return undefined;
}
