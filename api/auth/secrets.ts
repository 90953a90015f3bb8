import { createHash, randomBytes } from "node:crypto";
import { ulid } from "ulid";

/** Recognisable in logs, configs and secret scanners. */
export const API_KEY_PREFIX = "sy_";

/** A new API key: 32 random bytes (256 bits of entropy), base64url, behind the `sy_` prefix. */
export function generateApiKey(): { secret: string; hash: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { secret, hash: hashApiKey(secret) };
}

/** Keys are stored and looked up only by this hash; the secret itself is never persisted. */
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function newKeyId(): string {
  return `key_${ulid().toLowerCase()}`;
}
