/** The AWS error names the engine throws; callers switch on `name`, exactly as with the AWS SDK. */
export type EventBridgeErrorName =
  | "ResourceNotFoundException"
  | "ResourceAlreadyExistsException"
  | "ValidationException"
  | "InvalidEventPatternException"
  | "LimitExceededException"
  | "IllegalStatusException"
  | "ManagedRuleException";

/**
 * An EventBridge API error raised by the local engine. `name` carries AWS's error code (as the SDK's
 * ServiceException does) and `message` AWS's wording, so code written against one works on the other.
 */
export class LocalEventBridgeError extends Error {
  constructor(
    override readonly name: EventBridgeErrorName,
    message: string,
  ) {
    super(message);
  }
}

export const busNotFound = (bus: string) =>
  new LocalEventBridgeError("ResourceNotFoundException", `Event bus ${bus} does not exist.`);

export const ruleNotFound = (rule: string, bus: string) =>
  new LocalEventBridgeError("ResourceNotFoundException", `Rule ${rule} does not exist on EventBus ${bus}.`);

export const archiveNotFound = (archive: string) =>
  new LocalEventBridgeError("ResourceNotFoundException", `Archive ${archive} does not exist.`);

export const replayNotFound = (replay: string) =>
  new LocalEventBridgeError("ResourceNotFoundException", `Replay ${replay} does not exist.`);

export const validation = (message: string) => new LocalEventBridgeError("ValidationException", message);

export const limitExceeded = () =>
  new LocalEventBridgeError(
    "LimitExceededException",
    "The requested resource exceeds the maximum number allowed.",
  );

/** AWS's wording for a constraint violation on one request member. */
export function constraintViolation(
  value: string,
  member: string,
  constraint: string,
): LocalEventBridgeError {
  return validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
