import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash } from "../../../api/store/canonical.js";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../../api/store/cursor.js";

describe("cursors", () => {
  it("round-trip inside the scope they were issued for", () => {
    expect(decodeCursor("TEAM#a#PROJECTS", encodeCursor("TEAM#a#PROJECTS", "orders"))).toBe("orders");
    expect(decodeCursor("TEAM#a#PROJECTS", undefined)).toBeUndefined();
  });

  it.each([
    ["another scope", encodeCursor("TEAM#b#PROJECTS", "orders")],
    ["not base64 JSON", "%%%"],
    ["JSON without a position", Buffer.from(JSON.stringify({ s: "TEAM#a#PROJECTS" })).toString("base64url")],
    ["a JSON string", Buffer.from('"x"').toString("base64url")],
  ])("reject %s", (_label, cursor) => {
    expect(() => decodeCursor("TEAM#a#PROJECTS", cursor)).toThrow(InvalidCursorError);
  });
});

describe("content hashes", () => {
  it("ignore key order and see every value", () => {
    const a = { resources: { bus: { type: "event-bus", properties: { x: 1, y: [1, 2] } } } };
    const b = { resources: { bus: { properties: { y: [1, 2], x: 1 }, type: "event-bus" } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).not.toBe(
      contentHash({ resources: { bus: { type: "event-bus", properties: { x: 1, y: [2, 1] } } } }),
    );
  });
});
