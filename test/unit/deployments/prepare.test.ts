import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareTemplate } from "../../../api/deployments/compile-version.js";
import { DomainError } from "../../../api/errors.js";
import { deploymentsWorld } from "./support.js";

let world: Awaited<ReturnType<typeof deploymentsWorld>>;
beforeAll(async () => {
  world = await deploymentsWorld();
  await world.postConfig("resources:\n  orders:\n    type: event-bus\n");
});
afterAll(() => world.close());

describe("preparing a config version for a stage", () => {
  it("names the stack and what is in it with the stack prefix and the team's namespace", async () => {
    const ctx = { ...world.ctx, settings: { ...world.ctx.settings, stackPrefix: "sy-" } };
    const prepared = await prepareTemplate(ctx, { project: "shop", stage: "prod" });
    expect(prepared.stackName).toBe("sy-retail--shop--prod");
    expect(prepared.template.Resources.OrdersEventBus?.Properties?.Name).toBe("sy-retail--shop--prod-orders");
    expect(prepared.outputMap.OrdersArn).toEqual({ resource: "orders", param: "arn" });
    const unprefixed = await prepareTemplate(world.ctx, { project: "shop", stage: "qa" });
    expect(unprefixed.stackName).toBe("retail--shop--qa");
  });

  it("refuses an unknown version as not found, and a project without configs as a conflict", async () => {
    const unknown = await prepareTemplate(world.ctx, {
      project: "shop",
      stage: "dev",
      configVersion: 7,
    }).catch((e) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown.code).toBe("not-found");
    const empty = await prepareTemplate(world.ctx, { project: "empty", stage: "dev" }).catch((e) => e);
    expect(empty.code).toBe("conflict");
  });
});
