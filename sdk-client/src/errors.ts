import type { Problem, ProblemItem } from "./gen/types.gen.js";

/**
 * Every non-2xx answer of the API, carrying its RFC 9457 problem+json body. Switch on `slug`
 * (the stable last segment of `type`, e.g. "not-found", "config-invalid"), not on `detail`.
 */
export class SwitchyardError extends Error {
  /** HTTP status, e.g. 404. */
  readonly status: number;
  /** The problem type URI, e.g. "https://switchyard.dev/problems/not-found". */
  readonly type: string;
  /** The last path segment of `type`, e.g. "not-found". */
  readonly slug: string;
  readonly title: string;
  /** What went wrong, for humans. */
  readonly detail: string;
  /** Located problems (request fields, config paths with line and column); empty when none. */
  readonly errors: ProblemItem[];
  /** The whole problem body, extension members included (e.g. `allow`, `deploymentId`). */
  readonly problem: Problem;
  /** The server's request id, to quote when asking the platform team. */
  readonly requestId: string | undefined;
  /** "METHOD url" of the failed request. */
  readonly request: string;

  constructor(problem: Problem, request: string) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
    this.name = "SwitchyardError";
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.slug = problem.type.slice(problem.type.lastIndexOf("/") + 1);
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId;
    this.request = request;
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.type === "string" && typeof b.status === "number" && typeof b.title === "string";
}

/**
 * Turns an error answer into a SwitchyardError. A body that is not problem+json (a proxy's HTML
 * page, an empty 502) still becomes one, with `type` "about:blank" as RFC 9457 prescribes.
 */
export function toSwitchyardError(body: unknown, response: Response, request: Request): SwitchyardError {
  const where = `${request.method} ${request.url}`;
  if (isProblem(body)) {
    return new SwitchyardError(
      { ...body, detail: typeof body.detail === "string" ? body.detail : body.title },
      where,
    );
  }
  const text = typeof body === "string" ? body.trim().slice(0, 500) : "";
  const title = response.statusText || `HTTP ${response.status}`;
  return new SwitchyardError(
    {
      type: "about:blank",
      title,
      status: response.status,
      detail: text || title,
      requestId: response.headers.get("x-request-id") ?? undefined,
    },
    where,
  );
}
