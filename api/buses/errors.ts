import { ProblemError, problems } from "../http/problem.js";

/**
 * EventBridge errors (from the SDK or the local engine, which share AWS's error names) as
 * problem+json. Anything else is not a user's problem and propagates as a 500.
 */
export function eventBridgeProblem(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof ProblemError) return err;
  switch (err.name) {
    case "InvalidEventPatternException":
      return new ProblemError(400, "invalid-event-pattern", "Invalid event pattern", err.message);
    case "ValidationException":
      return problems.badRequest(err.message);
    case "ResourceNotFoundException":
      return problems.notFound(err.message);
    case "ResourceAlreadyExistsException":
      return problems.conflict(err.message);
    case "LimitExceededException":
      return new ProblemError(409, "limit-exceeded", "Limit exceeded", err.message);
    case "IllegalStatusException":
      return new ProblemError(409, "illegal-status", "Not allowed in the current state", err.message);
    default:
      return err;
  }
}

/** Runs an adapter call, turning EventBridge errors into problems. */
export async function viaEventBridge<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw eventBridgeProblem(err);
  }
}
