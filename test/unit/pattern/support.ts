import { expect } from "vitest";
import { matchesEventPattern, validateEventPattern } from "../../../api/eventbridge/pattern/index.js";

/** A row of a matching table: the pattern, the event, and whether EventBridge matches them. */
export type MatchRow = [label: string, pattern: string, event: string, matches: boolean];
/** A row of a validation table: the pattern text and the reason EventBridge gives. */
export type InvalidRow = [label: string, pattern: string, reason: string];

/** Checks a row with the pattern and event as JSON text and, when JSON.parse keeps them intact, as values. */
export function expectMatch(pattern: string, event: string, matches: boolean): void {
  const compiled = validateEventPattern(pattern);
  if (!compiled.ok) throw new Error(`pattern rejected: ${compiled.message}`);
  expect(matchesEventPattern(compiled.pattern, event)).toBe(matches);
  if (losslessInJs(pattern) && losslessInJs(event)) {
    const fromValue = validateEventPattern(JSON.parse(pattern));
    if (!fromValue.ok) throw new Error(`pattern value rejected: ${fromValue.message}`);
    expect(matchesEventPattern(fromValue.pattern, JSON.parse(event) as object)).toBe(matches);
  }
}

/** JSON text whose digit runs all survive JSON.parse unchanged (so the value form means the same). */
function losslessInJs(text: string): boolean {
  const numbers = text.match(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g) ?? [];
  return numbers.every((n) => String(Number(n)) === n);
}

/**
 * Checks a pattern is refused with this reason as JSON text and, when it is canonical JSON of an
 * object or array (so its value means the same: no duplicate keys, no digits JSON.parse changes; a
 * string value is read as pattern text), as a value too.
 */
export function expectInvalid(pattern: string, reason: string): void {
  const refused = { ok: false, message: `Event pattern is not valid. Reason: ${reason}` };
  expect(validateEventPattern(pattern)).toMatchObject(refused);
  const value = parsedIfCanonical(pattern);
  if (value !== undefined) expect(validateEventPattern(value), "as a value").toMatchObject(refused);
}

function parsedIfCanonical(text: string): unknown {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && JSON.stringify(value) === text ? value : undefined;
  } catch {
    return undefined;
  }
}
