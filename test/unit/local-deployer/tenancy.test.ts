/**
 * Defence in depth (#15): the local engine holds what it applies to the team's scope again, with
 * every value resolved, so a template that names another team's bus fails its deployment even if
 * it got past the compiler (here it is handed to the deployer directly).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantScope } from "../../../api/compiler/tenancy/scope.js";
import type { Template } from "../../../api/deployments/port.js";
import { compiled, localWorld } from "./support.js";

let world: Awaited<ReturnType<typeof localWorld>>;
beforeAll(async () => {
  world = await localWorld();
  // Team a's stage: its bus and the rule on it.
  const a = compiled(
    "resources:\n  orders:\n    type: event-bus\n  audit:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties: { eventBusName: orders, eventPattern: { source: [shop] } }\n",
    "a--shop",
  );
  await world.deployer.start({ stackName: "a--shop-dev", ...a, token: "a-1", tenancy: scopeOf("a") });
  await world.deployer.idle();
});
afterAll(() => world.close());

const A_BUS = "a--shop-dev-orders";

function scopeOf(team: string, extra: Partial<TenantScope> = {}): TenantScope {
  return {
    team,
    namePrefixes: [`${team}--`],
    account: "000000000000",
    region: "us-east-1",
    sharedBuses: [],
    allowed: [],
    ...extra,
  };
}

/** Team b's rule, written as if the compiler had let it name a's bus. */
const ruleOnABus: Template = {
  AWSTemplateFormatVersion: "2010-09-09",
  Resources: {
    Spy: {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: "b--spy-dev-rule",
        EventBusName: {
          "Fn::Sub": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${A_BUS}`,
        },
        EventPattern: { source: ["shop"] },
        Targets: [{ Id: "t", Arn: "arn:aws:sqs:us-east-1:000000000000:b--spy-dev-inbox" }],
      },
    },
  },
};

const rulesOnA = async () =>
  (await world.engine.listRules({ EventBusName: A_BUS })).Rules?.map((r) => r.Name);

describe("the local engine applying a template that names another team's bus", () => {
  it("fails the resource with the tenant check's reason, rolls back, and leaves a's rules as they were", async () => {
    const before = await rulesOnA();
    expect(before).toEqual(["a--shop-dev-audit-event-0"]);
    await world.deployer.start({
      stackName: "b--spy-dev",
      template: ruleOnABus,
      parameters: {},
      token: "b-1",
      tenancy: scopeOf("b"),
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "b--spy-dev", token: "b-1" });
    expect(status.phase).toBe("FAILED");
    expect(status.stackStatus).toBe("ROLLBACK_COMPLETE");
    expect(status.reason).toContain("Refused by Switchyard's tenant check");
    expect(status.reason).toContain(A_BUS);
    expect(await rulesOnA()).toEqual(before);
  });

  it("applies it when a's bus is shared with b to subscribe", async () => {
    const shared = scopeOf("b", {
      sharedBuses: [
        { arn: `arn:aws:events:us-east-1:000000000000:event-bus/${A_BUS}`, access: ["subscribe"] },
      ],
    });
    await world.deployer.start({
      stackName: "b--spy-dev",
      template: ruleOnABus,
      parameters: {},
      token: "b-2",
      tenancy: shared,
    });
    await world.deployer.idle();
    expect((await world.deployer.describe({ stackName: "b--spy-dev", token: "b-2" })).phase).toBe(
      "SUCCEEDED",
    );
    expect(await rulesOnA()).toEqual(["a--shop-dev-audit-event-0", "b--spy-dev-rule"]);
  });

  it("refuses it when a's bus is shared with b to publish only", async () => {
    const publishOnly = scopeOf("b", {
      sharedBuses: [{ arn: `arn:aws:events:us-east-1:000000000000:event-bus/${A_BUS}`, access: ["publish"] }],
    });
    const spy = ruleOnABus.Resources.Spy!;
    const other: Template = {
      ...ruleOnABus,
      Resources: { Spy: { ...spy, Properties: { ...spy.Properties, Name: "b--other-dev-rule" } } },
    };
    await world.deployer.start({
      stackName: "b--other-dev",
      template: other,
      parameters: {},
      token: "b-3",
      tenancy: publishOnly,
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "b--other-dev", token: "b-3" });
    expect(status.phase).toBe("FAILED");
    expect(status.reason).toContain("to publish, not to subscribe");
    expect(await rulesOnA()).toEqual(["a--shop-dev-audit-event-0", "b--spy-dev-rule"]);
  });
});
