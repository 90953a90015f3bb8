import { describe, expect, it } from "vitest";
import { NAME_LIMITS, physicalName, resourcePhysicalName, stackName } from "../../../api/compiler/naming.js";

describe("stack and physical names with a prefix", () => {
  it("put the prefix before <project>-<stage>, and nothing locally", () => {
    expect(stackName("shop", "prod", "sy-")).toBe("sy-shop-prod");
    expect(stackName("shop", "prod")).toBe("shop-prod");
  });

  it("stay within every AWS limit, start with the prefix and differ by hash when cut", () => {
    const stack = stackName("a-rather-long-project-name", "integration", "platfrm1-");
    for (const [kind, limit] of Object.entries(NAME_LIMITS)) {
      const long = "x".repeat(limit);
      const a = resourcePhysicalName(stack, `${long}A`, limit);
      const b = resourcePhysicalName(stack, `${long}B`, limit);
      expect(a.length, kind).toBe(limit);
      expect(a.startsWith("platfrm1-"), kind).toBe(true);
      expect(a, kind).toMatch(/-[0-9a-f]{6}$/);
      expect(a, kind).not.toBe(b);
    }
  });

  it("hash the whole name, prefix included: two prefixes never share a cut name's hash by accident", () => {
    const name = `shop-prod-${"orders".repeat(10)}`;
    const one = physicalName(`sy-${name}`, 48);
    const other = physicalName(`yz-${name}`, 48);
    expect(one.slice(-6)).not.toBe(other.slice(-6));
  });
});
