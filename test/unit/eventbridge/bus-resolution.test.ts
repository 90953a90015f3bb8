import { describe, expect, it } from "vitest";
import { replayName, resolveBus, ruleArnOn } from "../../../api/buses/index.js";
import type { DomainError } from "../../../api/errors.js";

const arn = "arn:aws:events:us-east-1:000000000000:event-bus/shop-dev-myEventBus";
const names = { project: "shop", stage: "dev", bus: "myEventBus" };

describe("resolving {bus} through the stage's outputs", () => {
  it("finds the physical bus, its ARN and archive", () => {
    expect(
      resolveBus(
        {
          deployed: true,
          outputs: { myEventBus: { arn, archiveArn: "arn:aws:events:us-east-1:0:archive/a" } },
        },
        names,
      ),
    ).toEqual({ name: "shop-dev-myEventBus", arn, archiveArn: "arn:aws:events:us-east-1:0:archive/a" });
  });

  it("finds no bus for a stage not deployed, a resource that is not a bus, or inherited names", () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as DomainError).code;
      }
      return "found";
    };
    expect(status(() => resolveBus(undefined, names))).toBe("not-found");
    expect(status(() => resolveBus({ deployed: false, outputs: { myEventBus: { arn } } }, names))).toBe(
      "not-found",
    );
    expect(
      status(() =>
        resolveBus({ deployed: true, outputs: { api: { url: "https://x" } } }, { ...names, bus: "api" }),
      ),
    ).toBe("not-found");
    expect(status(() => resolveBus({ deployed: true, outputs: {} }, { ...names, bus: "constructor" }))).toBe(
      "not-found",
    );
  });

  it("builds rule ARNs of the bus as AWS does", () => {
    expect(ruleArnOn({ name: "shop-dev-myEventBus", arn }, "r1")).toBe(
      "arn:aws:events:us-east-1:000000000000:rule/shop-dev-myEventBus/r1",
    );
  });
});

describe("replay names", () => {
  it("are unique, valid EventBridge names of at most 64 characters, even for long bus names", () => {
    const long = { name: `${"x".repeat(200)}`, arn };
    const now = new Date();
    const a = replayName(long, now);
    const b = replayName(long, now);
    for (const name of [a, b, replayName({ name: "shop-dev-myEventBus", arn }, now)]) {
      expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    }
    expect(a).not.toBe(b);
  });
});
