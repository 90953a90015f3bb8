import { DomainError } from "../errors.js";
import { testEventPattern } from "../eventbridge/pattern/index.js";

/**
 * Whether a pattern matches an event, decided by the exact EventBridge matcher (pure, so the same
 * answer on AWS and locally, with no call to AWS). The event is matched as given. An invalid
 * pattern or event is refused with EventBridge's own message.
 */
export function testPattern(pattern: unknown, event: unknown): { matches: boolean } {
  const outcome = testEventPattern(pattern, event);
  if ("error" in outcome) {
    throw new DomainError(
      outcome.invalid === "pattern" ? "invalid-event-pattern" : "invalid-event",
      outcome.error,
    );
  }
  return { matches: outcome.result };
}
