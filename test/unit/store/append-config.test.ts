import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendConfigVersion, type NewConfig } from "../../../api/store/append-config.js";
import { contentHash } from "../../../api/store/canonical.js";
import { createStore, type Store } from "../../../api/store/index.js";
import { createTestTable } from "../../support/dynamo.js";

let store: Store;
let destroy: () => void;
beforeAll(async () => {
  const table = await createTestTable();
  store = createStore(table);
  destroy = table.destroy;
});
afterAll(() => destroy());

function draft(project: string, bus: string): NewConfig {
  const config = { resources: { [bus]: { type: "event-bus" as const } } };
  return {
    project,
    format: "yaml",
    source: `resources:\n  ${bus}:\n    type: event-bus\n`,
    config,
    contentHash: contentHash(config),
    warnings: [],
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: { keyId: "key_test", name: "test" },
  };
}

/** Creates the project; answers its key, which is what config versions are stored under. */
async function project(name: string) {
  const { key } = await store.projects.create({
    name,
    team: "t",
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: "key_test",
  });
  return key;
}

describe("appendConfigVersion", () => {
  it("numbers concurrent appends 1..n without gaps or duplicates", async () => {
    const p = await project("append-race");
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => appendConfigVersion(store, draft(p, `b${i}`))),
    );
    const versions = results
      .map((r) => (r.outcome === "created" ? r.version.version : -1))
      .sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await store.projects.get(p))?.latestVersion).toBe(8);
  });

  it("returns the latest for identical content and reports a failed precondition as stale", async () => {
    const p = await project("append-same");
    const first = await appendConfigVersion(store, draft(p, "a"));
    expect(first.outcome).toBe("created");
    const same = await appendConfigVersion(store, draft(p, "a"));
    expect(same).toMatchObject({ outcome: "unchanged", version: { version: 1 } });

    const stale = await appendConfigVersion(store, draft(p, "b"), (latest) => latest?.version === 0);
    expect(stale).toMatchObject({ outcome: "stale", latest: { version: 1 } });
    const ok = await appendConfigVersion(store, draft(p, "b"), (latest) => latest?.version === 1);
    expect(ok).toMatchObject({ outcome: "created", version: { version: 2 } });
  });
});
