import { testEventPattern } from "../eventbridge/pattern/index.js";
import { ProblemError } from "../http/problem.js";

/**
 * Whether a pattern matches an event, decided by the exact EventBridge matcher (pure, so the same
 * answer on AWS and locally, with no call to AWS). The event is matched as given. An invalid
 * pattern or event is a 400 with EventBridge's own message.
 */
export function testPattern(pattern: unknown, event: unknown): { matches: boolean } {
  const outcome = testEventPattern(pattern, event);
  if ("error" in outcome) {
    throw outcome.invalid === "pattern"
      ? new ProblemError(400, "invalid-event-pattern", "Invalid event pattern", outcome.error)
      : new ProblemError(400, "invalid-event", "Invalid event", outcome.error);
  }
  return { matches: outcome.result };
}
