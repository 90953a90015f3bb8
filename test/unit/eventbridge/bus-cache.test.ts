import { describe, expect, it } from "vitest";
import { BusCache } from "../../../api/local/eventbridge/bus-cache.js";
import type { RuleRecord } from "../../../api/local/eventbridge/records.js";
import { EngineStore } from "../../../api/local/eventbridge/store.js";
import { testTable } from "./support.js";

/**
 * The engine's compiled buses: its own rule writes update a cached view instead of reloading the
 * bus, and a view loaded before a write is never kept.
 */
const table = await testTable();
const scope = { region: "us-east-1", account: "000000000000" };

/** The real store, counting bus loads; `hold` keeps the next load from returning until released. */
class WatchedStore extends EngineStore {
  loads = 0;
  private held?: { read: () => void; until: Promise<void> };

  /** `read` settles once the held load has read the bus's rules. */
  hold(): { read: Promise<void>; release: () => void } {
    let release!: () => void;
    let read!: () => void;
    const done = new Promise<void>((resolve) => {
      read = resolve;
    });
    this.held = { read, until: new Promise((resolve) => (release = resolve)) };
    return { read: done, release };
  }

  override async allRules(bus: string) {
    this.loads++;
    const rules = await super.allRules(bus);
    const held = this.held;
    this.held = undefined;
    if (held) {
      held.read();
      await held.until;
    }
    return rules;
  }
}

const rule = (bus: string, name: string, detailType: string): RuleRecord => ({
  bus,
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/${bus}/${name}`,
  eventPattern: JSON.stringify({ source: ["app"], "detail-type": [detailType] }),
  state: "ENABLED",
  targets: [],
  createdAt: "2026-03-01T12:00:00.000Z",
});

const event = (detailType: string) => ({ source: "app", "detail-type": detailType, detail: {} });

async function world(bus: string) {
  const store = new WatchedStore(table);
  await store.createBus({
    name: bus,
    arn: `arn:aws:events:us-east-1:000000000000:event-bus/${bus}`,
    createdAt: "x",
    updatedAt: "x",
  });
  return { store, cache: new BusCache(store, scope) };
}

const matched = async (cache: BusCache, bus: string, detailType: string) =>
  (await cache.get(bus))!.index
    .match(event(detailType))
    .map((e) => (e.kind === "rule" ? e.rule.name : e.archive.name));

describe("bus cache", () => {
  it("keeps a cached view current through its own rule writes, without loading the bus again", async () => {
    const { store, cache } = await world("in-place");
    await cache.putRule(rule("in-place", "b", "tb"));
    expect(await matched(cache, "in-place", "tb")).toEqual(["b"]);
    expect(store.loads).toBe(1);

    await cache.putRule(rule("in-place", "a", "tb"));
    await cache.putRule({
      ...rule("in-place", "b", "tb"),
      eventPattern: '{"source":["app"],"detail-type":["tc"]}',
    });
    // In the store's order (by name), as a fresh load lists them.
    expect(await matched(cache, "in-place", "tb")).toEqual(["a"]);
    expect(await matched(cache, "in-place", "tc")).toEqual(["b"]);
    await cache.deleteRule("in-place", "a");
    expect(await matched(cache, "in-place", "tb")).toEqual([]);
    expect([...(await cache.get("in-place"))!.rules.keys()]).toEqual(["b"]);
    expect(store.loads).toBe(1);

    // What was written is what a new process loads.
    const fresh = new BusCache(new EngineStore(table), scope);
    expect([...(await fresh.get("in-place"))!.rules.values()]).toEqual([
      ...(await cache.get("in-place"))!.rules.values(),
    ]);
  });

  it("does not keep a view whose load read the bus before a rule write", async () => {
    const { store, cache } = await world("stale");
    const { read, release } = store.hold();
    const loading = cache.get("stale");
    // The load has read the (empty) bus; the write lands before it returns.
    await read;
    await cache.putRule(rule("stale", "late", "t"));
    release();
    expect((await loading)!.rules.size).toBe(0);
    expect(await matched(cache, "stale", "t")).toEqual(["late"]);
    expect(store.loads).toBe(2);
  });

  it("loads the bus again after overlapping writes, whose order at the store is unknown", async () => {
    const { store, cache } = await world("overlap");
    await cache.get("overlap");
    await Promise.all([cache.putRule(rule("overlap", "x", "t")), cache.putRule(rule("overlap", "y", "t"))]);
    expect(await matched(cache, "overlap", "t")).toEqual(["x", "y"]);
    expect(store.loads).toBe(2);
  });
});

describe("bus cache bounds", () => {
  it("keeps at most its capacity of buses, dropping the least recently used, and reloads a dropped one", async () => {
    const store = new WatchedStore(table);
    const cache = new BusCache(store, scope, 3);
    const buses = ["lru-a", "lru-b", "lru-c", "lru-d"];
    for (const bus of buses) {
      await store.createBus({
        name: bus,
        arn: `arn:aws:events:us-east-1:000000000000:event-bus/${bus}`,
        createdAt: "x",
        updatedAt: "x",
      });
      await cache.putRule(rule(bus, "r", "t"));
    }
    for (const bus of ["lru-a", "lru-b", "lru-c"]) await cache.get(bus);
    // lru-a was used least recently when lru-d arrives.
    await cache.get("lru-b");
    await cache.get("lru-c");
    await cache.get("lru-d");
    expect(cache.size).toBe(3);
    const loads = store.loads;
    expect(await matched(cache, "lru-b", "t")).toEqual(["r"]);
    expect(await matched(cache, "lru-d", "t")).toEqual(["r"]);
    expect(store.loads).toBe(loads);
    expect(await matched(cache, "lru-a", "t")).toEqual(["r"]);
    expect(store.loads).toBe(loads + 1);
    expect(cache.size).toBe(3);
  });

  it("stays within its capacity when asked for buses that do not exist", async () => {
    const cache = new BusCache(new WatchedStore(table), scope, 5);
    for (let i = 0; i < 12; i++) expect(await cache.get(`missing-${i}`)).toBeUndefined();
    expect(cache.size).toBe(5);
  });
});
