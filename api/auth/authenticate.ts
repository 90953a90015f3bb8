import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import type { AppEnv } from "../http/env.js";
import type { Caller } from "./caller.js";
import { hashApiKey } from "./secrets.js";

/** The caller behind `SWITCHYARD_ADMIN_KEY` (or the Lambda's admin secret). */
export const ENV_ADMIN: Caller = {
  keyId: "admin-env",
  name: "bootstrap admin (environment)",
  platformAdmin: true,
};

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i;

/**
 * Resolves `Authorization: Bearer <key>` to `c.var.caller`, or answers 401. One GetItem by the key's
 * SHA-256 hash per request, strongly consistent, so a revoked key stops working at once.
 */
export function authenticate(deps: AppDeps): MiddlewareHandler<AppEnv> {
  // Hashed on first use, not at build: building the app must not touch deps (openapi-document.ts).
  let adminHash: Buffer | null | undefined;
  return async (c, next) => {
    adminHash ??= deps.adminKey ? Buffer.from(hashApiKey(deps.adminKey), "hex") : null;
    const header = c.req.header("authorization");
    if (!header) throw new DomainError("unauthenticated", "Send an API key: `Authorization: Bearer <key>`.");
    const secret = BEARER.exec(header)?.[1];
    if (!secret) throw new DomainError("unauthenticated", "The Authorization header must be `Bearer <key>`.");

    const hash = hashApiKey(secret);
    let caller: Caller | undefined;
    if (adminHash && timingSafeEqual(Buffer.from(hash, "hex"), adminHash)) {
      caller = ENV_ADMIN;
    } else {
      caller = await deps.store.apiKeys.findByHash(hash);
    }
    if (!caller) throw new DomainError("unauthenticated", "The API key is unknown or has been revoked.");

    c.set("caller", caller);
    // The key's id (never the secret) on every later log line of this request, for auditing.
    c.set("log", c.get("log").child({ keyId: caller.keyId }));
    await next();
  };
}
