import { EventBridgeError } from "../../eventbridge/errors.js";
import { type CompiledPattern, validateEventPattern } from "../../eventbridge/pattern/index.js";

/** Validates an EventPattern text as EventBridge does; throws InvalidEventPatternException. */
export function compilePattern(text: string): CompiledPattern {
  const result = validateEventPattern(text);
  if (!result.ok) throw new EventBridgeError("InvalidEventPatternException", result.message);
  return result.pattern;
}
