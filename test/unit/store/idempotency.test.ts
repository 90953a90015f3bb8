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
const TTL = 60;
const LEASE = 10;

/** The claim's id, failing the test when it was not a claim. */
const claimed = (claim: Awaited<ReturnType<Store["idempotency"]["claim"]>>) => {
  if (claim.state !== "claimed") throw new Error(`not claimed: ${claim.state}`);
  return claim.claimId;
};

describe("idempotency records", () => {
  it("claim once, report in-progress, then replay the stored response", async () => {
    const repo = store.idempotency;
    const id = claimed(await repo.claim("key_a", "k1", "h1", t0, TTL, LEASE));
    expect(await repo.claim("key_a", "k1", "h1", t0, TTL, LEASE)).toEqual({ state: "in-progress" });
    await repo.complete("key_a", "k1", id, response);
    expect(await repo.claim("key_a", "k1", "h1", later(1), TTL, LEASE)).toEqual({
      state: "replay",
      response,
    });
    expect(await repo.claim("key_a", "k1", "other", later(1), TTL, LEASE)).toEqual({ state: "mismatch" });
  });

  it("keep callers apart and forget released or expired claims", async () => {
    const repo = store.idempotency;
    const id = claimed(await repo.claim("key_a", "k2", "h", t0, TTL, LEASE));
    expect((await repo.claim("key_b", "k2", "h", t0, TTL, LEASE)).state).toBe("claimed");
    await repo.release("key_a", "k2", id);
    const again = claimed(await repo.claim("key_a", "k2", "h", t0, TTL, LEASE));
    await repo.complete("key_a", "k2", again, response);
    // Past expiresAt the key is free again, even before TTL deletes the item.
    expect((await repo.claim("key_a", "k2", "h2", later(61), TTL, LEASE)).state).toBe("claimed");
  });

  it("let exactly one of many concurrent claims through", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.idempotency.claim("key_c", "k3", "h", t0, TTL, LEASE)),
    );
    expect(results.filter((r) => r.state === "claimed")).toHaveLength(1);
  });

  it("let the same request take over a claim past its lease, and only the taker finish it", async () => {
    const repo = store.idempotency;
    const dead = claimed(await repo.claim("key_d", "k4", "h", t0, TTL, LEASE));
    expect((await repo.claim("key_d", "k4", "h", later(LEASE), TTL, LEASE)).state).toBe("in-progress");
    // Another request under the same key is still a mismatch, lease or not.
    expect((await repo.claim("key_d", "k4", "other", later(LEASE + 1), TTL, LEASE)).state).toBe("mismatch");
    const taker = claimed(await repo.claim("key_d", "k4", "h", later(LEASE + 1), TTL, LEASE));
    // The request that was thought dead finishes after all: it neither stores nor frees anything.
    await repo.complete("key_d", "k4", dead, { ...response, body: "late" });
    await repo.release("key_d", "k4", dead);
    expect((await repo.claim("key_d", "k4", "h", later(LEASE + 2), TTL, LEASE)).state).toBe("in-progress");
    await repo.complete("key_d", "k4", taker, response);
    expect(await repo.claim("key_d", "k4", "h", later(LEASE + 3), TTL, LEASE)).toEqual({
      state: "replay",
      response,
    });
  });
});
