import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainError, ErrorCode } from "../errors.js";
import { ProblemError } from "./problem.js";

/** Each code's status and title: one title per problem type (RFC 9457). */
const PROBLEMS: Record<ErrorCode, { status: ContentfulStatusCode; title: string }> = {
  "bad-request": { status: 400, title: "Bad request" },
  "validation-error": { status: 400, title: "Request validation failed" },
  "invalid-event-pattern": { status: 400, title: "Invalid event pattern" },
  "invalid-event": { status: 400, title: "Invalid event" },
  unauthenticated: { status: 401, title: "Unauthenticated" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  "limit-exceeded": { status: 409, title: "Limit exceeded" },
  "illegal-status": { status: 409, title: "Not allowed in the current state" },
  "stack-name-taken": { status: 409, title: "Stack name taken" },
  "nothing-to-continue": { status: 409, title: "Nothing to continue" },
  "config-invalid": { status: 422, title: "Invalid config" },
  "artifacts-missing": { status: 422, title: "Artifacts missing" },
  "network-settings-missing": { status: 422, title: "Network settings missing" },
  "template-too-large": { status: 422, title: "Template refused" },
  "invalid-template": { status: 422, title: "Template refused" },
  "resources-not-skippable": { status: 422, title: "Resources cannot be skipped" },
  "not-implemented": { status: 501, title: "Not implemented" },
  throttled: { status: 503, title: "Throttled by AWS" },
};

/** A domain error as the problem+json the API answers (app.onError is the one caller). */
export function problemOf(err: DomainError): ProblemError {
  const { status, title } = PROBLEMS[err.code];
  // RFC 9110: a 401 says how to authenticate.
  const headers: Record<string, string> =
    err.code === "unauthenticated" ? { "www-authenticate": "Bearer" } : {};
  return new ProblemError(status, err.code, title, err.detail, err.details, headers);
}
