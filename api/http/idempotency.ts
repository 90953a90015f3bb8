import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import type { Caller } from "../auth/caller.js";
import type { AppDeps } from "../deps.js";
import { ProblemError, problems } from "./problem.js";

/** How long a key is remembered. TTL (`expiresAt`) deletes records later; expiry is checked on read. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim holds its key while its request runs. A request that died with its process
 * leaves its claim in progress; the same request may be retried once this has passed. Twice the
 * API's 29-second Lambda timeout, so a live request always finishes within its lease.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 60;
/** What an `Idempotency-Key` may be: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

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
 * client can retry with the same key, and so is a claim whose request died with its process, once
 * its lease (IDEMPOTENCY_LEASE_SECONDS) has passed.
 *
 * Stored bodies are sealed (AES-256-GCM) with a key derived from the caller's bearer secret and the
 * Idempotency-Key, neither of which is stored: a response carrying a secret (a new API key) can be
 * replayed to its caller but is never readable from the table.
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
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw problems.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.");
  }
  const scope = c.var.caller.keyId;
  const requestHash = createHash("sha256")
    .update(JSON.stringify([c.req.method, c.req.path, fingerprint ?? null]))
    .digest("hex");
  const repo = deps.store.idempotency;
  const claim = await repo.claim(
    scope,
    key,
    requestHash,
    deps.now(),
    IDEMPOTENCY_TTL_SECONDS,
    IDEMPOTENCY_LEASE_SECONDS,
  );
  const reused = () =>
    problems.unprocessable(
      "idempotency-key-reused",
      "Idempotency key reused",
      "This Idempotency-Key was already used for a different request; use a new key for a new request.",
    );
  if (claim.state === "mismatch") throw reused();
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
  const sealKey = Buffer.from(
    hkdfSync("sha256", c.req.header("authorization") ?? "", key, "switchyard idempotent response", 32),
  );
  if (claim.state === "replay") {
    const { status, body, headers } = claim.response;
    let opened: unknown;
    try {
      opened = unseal(sealKey, body as string);
    } catch {
      // Sealed under another secret for the same key id (a rotated admin key): not the same request.
      throw reused();
    }
    return {
      status: status as S,
      body: opened as B,
      headers: { ...headers, "idempotent-replayed": "true" },
    };
  }
  let result: IdempotentResult<S, B>;
  try {
    result = await run();
  } catch (err) {
    await repo.release(scope, key, claim.claimId);
    throw err;
  }
  await repo.complete(scope, key, claim.claimId, { ...result, body: seal(sealKey, result.body) });
  return result;
}

function seal(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64");
}

function unseal(key: Buffer, sealed: string): unknown {
  const raw = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
}
