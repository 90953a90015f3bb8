import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const t0 = new Date("2026-01-01T00:00:00Z");
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const response = { status: 201, body: "sealed", headers: { location: "/v1/x" } };

describe("idempotency records", () => {
  it("claim once, report in-progress, then replay the stored response", async () => {
    const repo = store.idempotency;
    expect(await repo.claim("key_a", "k1", "h1", t0, 60)).toEqual({ state: "claimed" });
    expect(await repo.claim("key_a", "k1", "h1", t0, 60)).toEqual({ state: "in-progress" });
    await repo.complete("key_a", "k1", response);
    expect(await repo.claim("key_a", "k1", "h1", later(1), 60)).toEqual({ state: "replay", response });
    expect(await repo.claim("key_a", "k1", "other", later(1), 60)).toEqual({ state: "mismatch" });
  });

  it("keep callers apart and forget released or expired claims", async () => {
    const repo = store.idempotency;
    expect((await repo.claim("key_a", "k2", "h", t0, 60)).state).toBe("claimed");
    expect((await repo.claim("key_b", "k2", "h", t0, 60)).state).toBe("claimed");
    await repo.release("key_a", "k2");
    expect((await repo.claim("key_a", "k2", "h", t0, 60)).state).toBe("claimed");
    await repo.complete("key_a", "k2", response);
    // Past expiresAt the key is free again, even before TTL deletes the item.
    expect((await repo.claim("key_a", "k2", "h2", later(61), 60)).state).toBe("claimed");
  });

  it("let exactly one of many concurrent claims through", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.idempotency.claim("key_c", "k3", "h", t0, 60)),
    );
    expect(results.filter((r) => r.state === "claimed")).toHaveLength(1);
  });
});
