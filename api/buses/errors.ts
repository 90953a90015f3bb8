import { DomainError, type ErrorCode } from "../errors.js";

/** EventBridge's error names (the SDK's and the local engine's alike) in Switchyard's terms. */
const CODES: Readonly<Record<string, ErrorCode>> = {
  InvalidEventPatternException: "invalid-event-pattern",
  ValidationException: "bad-request",
  ResourceNotFoundException: "not-found",
  ResourceAlreadyExistsException: "conflict",
  LimitExceededException: "limit-exceeded",
  IllegalStatusException: "illegal-status",
};

/**
 * An EventBridge error a user can act on as a domain error; anything else is not the user's problem
 * and propagates as it is (a 500).
 */
export function eventBridgeFailure(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof DomainError) return err;
  const code = Object.hasOwn(CODES, err.name) ? CODES[err.name] : undefined;
  return code ? new DomainError(code, err.message) : err;
}

/** Runs an adapter call, turning EventBridge errors into domain errors. */
export async function viaEventBridge<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw eventBridgeFailure(err);
  }
}
