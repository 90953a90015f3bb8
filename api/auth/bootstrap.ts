import type { Store } from "../store/index.js";
import { generateApiKey, newKeyId } from "./secrets.js";

/**
 * First local start without SWITCHYARD_ADMIN_KEY: creates a platform-admin key and returns its
 * secret so the caller can print it once. Undefined when the store already has one (only its
 * hash was ever stored, so it cannot be shown again).
 */
export async function ensureBootstrapAdminKey(store: Store, now: Date): Promise<string | undefined> {
  if (await store.apiKeys.hasBootstrapAdmin()) return undefined;
  const { secret, hash } = generateApiKey();
  const created = await store.apiKeys.createBootstrapAdmin(
    { keyId: newKeyId(), name: "bootstrap admin" },
    hash,
    now.toISOString(),
  );
  return created ? secret : undefined;
}
