import { createHash } from "node:crypto";
import type { Caller } from "../auth/caller.js";
import type { AppDeps } from "../deps.js";
import { ProblemError, problems } from "./problem.js";

/** How long a key is remembered. TTL (`expiresAt`) deletes records later; expiry is checked on read. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentResult<S extends number, B> {
  status: S;
  body: B;
  headers: Record<string, string>;
}

interface RequestContext {
  req: { header(name: string): string | undefined; method: string; path: string };
  var: { caller: Caller };
}

/**
 * `Idempotency-Key` for POSTs that create something. Without the header, `run` simply runs. With
 * it, the first request runs and its response is stored under (caller, key); a repeat with the same
 * method, path and `fingerprint` (the validated body) gets that response again (header
 * `Idempotent-Replayed: true`); a repeat with anything else gets 422; a repeat while the first is
 * still running gets 409 with Retry-After. Failed requests (thrown errors) are forgotten so the
 * client can retry with the same key.
 *
 *   const out = await idempotent(c, deps, body, async () => ({ status: 201, body: created, headers: {} }));
 *   return c.json(out.body, out.status, out.headers);
 */
export async function idempotent<S extends number, B>(
  c: RequestContext,
  deps: Pick<AppDeps, "store" | "now">,
  fingerprint: unknown,
  run: () => Promise<IdempotentResult<S, B>>,
): Promise<IdempotentResult<S, B>> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return run();
  if (!KEY_PATTERN.test(key)) {
    throw problems.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.");
  }
  const scope = c.var.caller.keyId;
  const requestHash = createHash("sha256")
    .update(JSON.stringify([c.req.method, c.req.path, fingerprint ?? null]))
    .digest("hex");
  const repo = deps.store.idempotency;
  const claim = await repo.claim(scope, key, requestHash, deps.now(), IDEMPOTENCY_TTL_SECONDS);
  if (claim.state === "mismatch") {
    throw problems.unprocessable(
      "idempotency-key-reused",
      "Idempotency key reused",
      "This Idempotency-Key was already used for a different request; use a new key for a new request.",
    );
  }
  if (claim.state === "in-progress") {
    throw new ProblemError(
      409,
      "idempotency-in-progress",
      "Request in progress",
      "A request with this Idempotency-Key is still being processed; retry shortly.",
      {},
      { "retry-after": "1" },
    );
  }
  if (claim.state === "replay") {
    const { status, body, headers } = claim.response;
    return { status: status as S, body: body as B, headers: { ...headers, "idempotent-replayed": "true" } };
  }
  let result: IdempotentResult<S, B>;
  try {
    result = await run();
  } catch (err) {
    await repo.release(scope, key);
    throw err;
  }
  await repo.complete(scope, key, result);
  return result;
}
