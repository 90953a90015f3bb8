/** EventBridge's error names, as the SDK reports them; callers switch on `name`. */
export type EventBridgeErrorName =
  | "ResourceNotFoundException"
  | "ResourceAlreadyExistsException"
  | "ValidationException"
  | "InvalidEventPatternException"
  | "LimitExceededException"
  | "IllegalStatusException"
  | "ManagedRuleException";

/**
 * An EventBridge API error as AWS raises it: `name` carries AWS's error code (as the SDK's
 * ServiceException does) and `message` AWS's wording. The local engine throws these, so code written
 * against one works on the other.
 */
export class EventBridgeError extends Error {
  constructor(
    override readonly name: EventBridgeErrorName,
    message: string,
  ) {
    super(message);
  }
}

export const busNotFound = (bus: string) =>
  new EventBridgeError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);

export const ruleNotFound = (rule: string, bus: string) =>
  new EventBridgeError("ResourceNotFoundException", `Rule ${rule} does not exist on EventBus ${bus}.`);

export const archiveNotFound = (archive: string) =>
  new EventBridgeError("ResourceNotFoundException", `Archive ${archive} does not exist.`);

export const replayNotFound = (replay: string) =>
  new EventBridgeError("ResourceNotFoundException", `Replay ${replay} does not exist.`);

export const validation = (message: string) => new EventBridgeError("ValidationException", message);

export const limitExceeded = () =>
  new EventBridgeError(
    "LimitExceededException",
    "The requested resource exceeds the maximum number allowed.",
  );

/** AWS's wording for a constraint violation on one request member. */
export function constraintViolation(value: string, member: string, constraint: string): EventBridgeError {
  return validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
