import type { ConfigVersion } from "./configs.js";
import { VersionTakenError } from "./configs.js";
import type { Store } from "./index.js";

export type NewConfig = Omit<ConfigVersion, "version">;

export type AppendResult =
  | { outcome: "created"; version: ConfigVersion }
  /** Identical (same content hash) to the latest version, which is returned instead. */
  | { outcome: "unchanged"; version: ConfigVersion }
  /** The precondition on the latest version failed (or another writer took the next number). */
  | { outcome: "stale"; latest?: ConfigVersion }
  /** Without a precondition, lost the race for the next number too many times. */
  | { outcome: "busy" };

/** Without a precondition, a writer that loses the race for version n+1 tries again this often. */
const MAX_ATTEMPTS = 10;

/**
 * Appends a config as version n+1 of its project. Versions stay contiguous because version n+1 is a
 * conditional put (attribute_not_exists): of concurrent writers exactly one gets each number.
 * `expectLatest` is the If-Match check on the latest version (undefined: no precondition).
 */
export async function appendConfigVersion(
  store: Pick<Store, "configs" | "projects">,
  config: NewConfig,
  expectLatest?: (latest: ConfigVersion | undefined) => boolean,
): Promise<AppendResult> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const latest = await store.configs.latest(config.project);
    if (expectLatest && !expectLatest(latest))
      return latest ? { outcome: "stale", latest } : { outcome: "stale" };
    if (latest && latest.contentHash === config.contentHash) return { outcome: "unchanged", version: latest };
    const version: ConfigVersion = { ...config, version: (latest?.version ?? 0) + 1 };
    try {
      await store.configs.put(version);
    } catch (err) {
      if (!(err instanceof VersionTakenError)) throw err;
      if (expectLatest) return { outcome: "stale" };
      continue;
    }
    await store.projects.recordLatestVersion(config.project, version.version);
    return { outcome: "created", version };
  }
  return { outcome: "busy" };
}
