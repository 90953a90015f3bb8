import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One located problem inside a request body or config (RFC 9457 extension member `errors`). */
export interface ProblemDetailItem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ProblemDetailItem[];
  [extension: string]: unknown;
}

/**
 * Located problems one answer lists at most, the first by line and column: a config can have tens
 * of thousands (2.3 MB of JSON for 10,000), and the first hundred are what a person fixes first.
 * The answer says how many there were (`truncated`).
 */
export const MAX_PROBLEMS_SHOWN = 100;

/** Stable problem `type` URIs. Clients switch on these, so never rename one. */
export const PROBLEM_BASE = "https://switchyard.dev/problems/";

export const problemType = (slug: string): string => `${PROBLEM_BASE}${slug}`;

/**
 * Thrown anywhere below the routes; the app's error handler turns it into problem+json.
 * `slug` is the stable last segment of the `type` URI.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: { errors?: ProblemDetailItem[]; [key: string]: unknown } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ProblemError";
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...this.extensions,
      ...(this.extensions.errors ? shownProblems(this.extensions.errors) : {}),
    };
  }
}

/**
 * The problems an answer lists: in order of line and column (unlocated ones first, as found), at
 * most MAX_PROBLEMS_SHOWN, and how many there were when that cut some.
 */
export function shownProblems(errors: ProblemDetailItem[]): {
  errors: ProblemDetailItem[];
  truncated?: { shown: number; total: number };
} {
  const ordered = errors.some((e) => e.line !== undefined)
    ? [...errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    : errors;
  if (ordered.length <= MAX_PROBLEMS_SHOWN) return { errors: ordered };
  return {
    errors: ordered.slice(0, MAX_PROBLEMS_SHOWN),
    truncated: { shown: MAX_PROBLEMS_SHOWN, total: ordered.length },
  };
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemResponse(c: Context, problem: ProblemError): Response {
  const body = problem.toBody(c.req.path);
  const requestId = c.get("requestId" as never) as string | undefined;
  return new Response(JSON.stringify(requestId ? { ...body, requestId } : body), {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...problem.headers },
  });
}

// Common problems, named so call sites read as prose.
export const problems = {
  badRequest: (detail: string, errors?: ProblemDetailItem[]) =>
    new ProblemError(400, "bad-request", "Bad request", detail, errors ? { errors } : {}),
  validation: (detail: string, errors: ProblemDetailItem[]) =>
    new ProblemError(400, "validation-error", "Request validation failed", detail, { errors }),
  malformedJson: (detail: string) => new ProblemError(400, "malformed-json", "Malformed JSON", detail),
  unauthenticated: (detail: string) =>
    new ProblemError(401, "unauthenticated", "Unauthenticated", detail, {}, { "www-authenticate": "Bearer" }),
  forbidden: (detail: string) => new ProblemError(403, "forbidden", "Forbidden", detail),
  notFound: (detail: string) => new ProblemError(404, "not-found", "Not found", detail),
  methodNotAllowed: (detail: string, allow: string[]) =>
    new ProblemError(
      405,
      "method-not-allowed",
      "Method not allowed",
      detail,
      { allow },
      { allow: allow.join(", ") },
    ),
  conflict: (detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemError(409, "conflict", "Conflict", detail, extensions),
  preconditionFailed: (detail: string) =>
    new ProblemError(412, "precondition-failed", "Precondition failed", detail),
  payloadTooLarge: (detail: string) =>
    new ProblemError(413, "payload-too-large", "Payload too large", detail),
  unsupportedMediaType: (detail: string) =>
    new ProblemError(415, "unsupported-media-type", "Unsupported media type", detail),
  unprocessable: (slug: string, title: string, detail: string, errors?: ProblemDetailItem[]) =>
    new ProblemError(422, slug, title, detail, errors ? { errors } : {}),
  /** Posting, validating or compiling a config: one type, so one title (RFC 9457). */
  configInvalid: (detail: string, errors: ProblemDetailItem[]) =>
    new ProblemError(422, "config-invalid", "Invalid config", detail, { errors }),
  notImplemented: (detail: string) => new ProblemError(501, "not-implemented", "Not implemented", detail),
  internal: () =>
    new ProblemError(
      500,
      "internal",
      "Internal server error",
      "An unexpected error occurred; see the server logs.",
    ),
};
