/**
 * EventBridge event patterns, matched with aws/event-ruler's semantics and validated with
 * EventBridge's exact messages. Pure: no I/O, no AWS SDK.
 */
import { type CompiledPattern, compilePattern } from "./compile.js";
import { flattenEvent, NotAnObjectError } from "./event.js";
import { patternMatches } from "./match.js";
import { eventTokens } from "./source.js";
import { PatternSyntaxError } from "./tokens.js";

export type { Branch, CompiledPattern, Condition } from "./compile.js";
export { MAX_OR_COMBINATIONS, MAX_OR_CONDITIONS, MAX_WILDCARD_COMPLEXITY } from "./compile.js";
export { RuleIndex } from "./rule-index.js";

/** The prefix EventBridge puts before every reason in an InvalidEventPatternException. */
export const INVALID_PATTERN_PREFIX = "Event pattern is not valid. Reason: ";

/**
 * EventPattern's length limit in the EventBridge API model (the default account quota is 2,048,
 * adjustable up to this). Longer patterns fail the API's own validation, before event-ruler's.
 */
export const EVENT_PATTERN_MAX_LENGTH = 4096;

/** TestEventPattern's answer to an event that is not a JSON object (a ValidationException). */
export const INVALID_EVENT_MESSAGE = "Parameter Event is not valid.";

export type PatternValidation =
  | { ok: true; pattern: CompiledPattern }
  | {
      ok: false;
      /** EventBridge's message, e.g. `Event pattern is not valid. Reason: Empty arrays are not allowed`. */
      message: string;
      /** For JSON text: where the parser stopped (1-based), as in the `[Source: ...]` AWS appends. */
      line?: number;
      column?: number;
    };

/**
 * Validates an event pattern given as JSON text (parsed losslessly) or as an already-parsed value.
 * The message is EventBridge's, without the `\n at [Source: ...]` suffix its raw message carries.
 */
export function validateEventPattern(pattern: unknown): PatternValidation {
  const text = typeof pattern === "string" ? pattern : safeStringify(pattern);
  if (text !== undefined && text.length > EVENT_PATTERN_MAX_LENGTH) {
    return {
      ok: false,
      message: `1 validation error detected: Value '${text}' at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to ${EVENT_PATTERN_MAX_LENGTH}`,
    };
  }
  try {
    return { ok: true, pattern: compilePattern(eventTokens(pattern)) };
  } catch (e) {
    if (!(e instanceof PatternSyntaxError)) throw e;
    const failure: PatternValidation = { ok: false, message: INVALID_PATTERN_PREFIX + e.message };
    if (e.line !== undefined) Object.assign(failure, { line: e.line, column: e.column });
    return failure;
  }
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // e.g. a bigint: its length cannot be judged, and the compiler takes it as is
  }
}

/**
 * Whether the event (JSON text, parsed losslessly, or an object) matches. An event that is not a
 * JSON object matches nothing.
 */
export function matchesEventPattern(pattern: CompiledPattern, event: string | object): boolean {
  try {
    return patternMatches(pattern, flattenEvent(eventTokens(event)));
  } catch (e) {
    if (e instanceof NotAnObjectError || e instanceof PatternSyntaxError) return false;
    throw e;
  }
}

export type PatternTest =
  | { result: boolean }
  /** `invalid` says which input the message is about (the pattern is checked first). */
  | { error: string; invalid: "pattern" | "event" };

/** TestEventPattern: the pattern's validation error, the event's, or whether they match. */
export function testEventPattern(pattern: unknown, event: unknown): PatternTest {
  const validation = validateEventPattern(pattern);
  if (!validation.ok) return { error: validation.message, invalid: "pattern" };
  const badEvent = { error: INVALID_EVENT_MESSAGE, invalid: "event" } as const;
  if (event === null || (typeof event !== "string" && (typeof event !== "object" || Array.isArray(event)))) {
    return badEvent;
  }
  try {
    return { result: patternMatches(validation.pattern, flattenEvent(eventTokens(event))) };
  } catch (e) {
    if (e instanceof NotAnObjectError || e instanceof PatternSyntaxError) return badEvent;
    throw e;
  }
}
