/**
 * EventBridge event patterns, matched with aws/event-ruler's semantics and validated with
 * EventBridge's exact messages. Pure: no I/O, no AWS SDK.
 */
import { type CompiledPattern, compilePattern } from "./compile.js";
import { JsonTextTokenSource, skipValue } from "./json-lexer.js";
import { RuleIndex } from "./rule-index.js";
import { eventText, eventTokens } from "./source.js";
import { PatternSyntaxError } from "./tokens.js";

export type { Branch, CompiledPattern, Condition } from "./compile.js";
export { MAX_OR_COMBINATIONS, MAX_OR_CONDITIONS, MAX_WILDCARD_COMPLEXITY } from "./compile.js";
export { RuleIndex };

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

/** Single patterns matched through a one-rule index, built once per compiled pattern. */
const singles = new WeakMap<CompiledPattern, RuleIndex<true>>();

function matchesText(pattern: CompiledPattern, text: string): boolean {
  let index = singles.get(pattern);
  if (!index) {
    index = new RuleIndex<true>();
    index.add(true, pattern);
    singles.set(pattern, index);
  }
  return index.match(text).length > 0;
}

/**
 * The event's JSON text, read whole by the lexer first (syntax and Jackson's nesting limit checked,
 * as EventBridge parses events), or undefined when it is not a valid JSON object.
 */
function checkedEventText(event: string | object): string | undefined {
  try {
    if (typeof event === "string") {
      const source = new JsonTextTokenSource(event);
      if (source.next() !== "{") return undefined;
      skipValue(source, "{");
      return event;
    }
    const text = eventText(event);
    return text?.startsWith("{") ? text : undefined;
  } catch (e) {
    if (e instanceof PatternSyntaxError) return undefined;
    throw e;
  }
}

/**
 * Whether the event (JSON text, parsed losslessly, or an object) matches. An event that is not a
 * JSON object matches nothing.
 */
export function matchesEventPattern(pattern: CompiledPattern, event: string | object): boolean {
  const text = checkedEventText(event);
  return text !== undefined && matchesText(pattern, text);
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
  const text = checkedEventText(event as string | object);
  if (text === undefined) return badEvent;
  return { result: matchesText(validation.pattern, text) };
}
