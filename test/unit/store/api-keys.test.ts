import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBootstrapAdminKey } from "../../../api/auth/bootstrap.js";
import { hashApiKey } from "../../../api/auth/secrets.js";
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

describe("the bootstrap admin key", () => {
  it("is created once even when several processes start together, and only that key works", async () => {
    const secrets = await Promise.all(
      Array.from({ length: 5 }, () => ensureBootstrapAdminKey(store, new Date())),
    );
    const created = secrets.filter((s): s is string => s !== undefined);
    expect(created).toHaveLength(1);
    expect(await store.apiKeys.findByHash(hashApiKey(created[0]!))).toMatchObject({ platformAdmin: true });
    expect(await ensureBootstrapAdminKey(store, new Date())).toBeUndefined();
  });
});

describe("team keys", () => {
  it("authenticate by hash until revoked, and revocation happens once", async () => {
    const key = {
      keyId: "key_unit",
      name: "unit",
      team: "t1",
      role: "deployer" as const,
      createdAt: "2026-01-01T00:00:00Z",
      createdBy: "key_admin",
    };
    await store.apiKeys.create(key, "hash-1");
    expect(await store.apiKeys.findByHash("hash-1")).toEqual({
      keyId: "key_unit",
      name: "unit",
      team: "t1",
      role: "deployer",
      platformAdmin: false,
    });
    // Another team cannot revoke it by id.
    expect(await store.apiKeys.revoke("t2", "key_unit", "2026-01-02T00:00:00Z")).toBeUndefined();
    expect(await store.apiKeys.findByHash("hash-1")).toBeDefined();

    expect(await store.apiKeys.revoke("t1", "key_unit", "2026-01-02T00:00:00Z")).toMatchObject({
      revokedAt: "2026-01-02T00:00:00Z",
    });
    expect(await store.apiKeys.findByHash("hash-1")).toBeUndefined();
    expect(await store.apiKeys.revoke("t1", "key_unit", "2026-01-03T00:00:00Z")).toBeUndefined();
  });
});
