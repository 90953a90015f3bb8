/**
 * What went wrong, in Switchyard's terms. Use cases, authorization checks and adapters throw a
 * DomainError; the app turns it into an RFC 9457 problem in one place (api/http/domain-errors.ts),
 * so nothing below the routes knows HTTP. The code is the stable name clients switch on (it becomes
 * the problem's `type`), and says what kind of failure it is.
 */
export type ErrorCode =
  // The request is malformed or asks for something impossible.
  | "bad-request"
  | "validation-error"
  | "invalid-event-pattern"
  | "invalid-event"
  // Who is calling, and what they may do.
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  // What exists now does not allow it.
  | "conflict"
  | "limit-exceeded"
  | "illegal-status"
  | "stack-name-taken"
  | "nothing-to-continue"
  // Understood, but what it names cannot be done.
  | "config-invalid"
  | "artifacts-missing"
  | "network-settings-missing"
  | "template-too-large"
  | "invalid-template"
  | "resources-not-skippable"
  // This server cannot do it at all.
  | "not-implemented"
  // AWS throttled the calls it needed, after the SDK's own retries: try again later.
  | "throttled";

/** One located problem inside what the caller sent (a config path, a request field). */
export interface LocatedProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** What a client may act on besides the detail: every located problem, ids, a finer reason. */
export interface DomainErrorDetails {
  /** Every problem found, each with where it is. */
  errors?: LocatedProblem[];
  [member: string]: unknown;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** For a person: what happened and what to do about it. */
    readonly detail: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(detail);
    this.name = "DomainError";
  }
}
