import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Template } from "../../../api/deployments/port.js";
import { LocalDeployer } from "../../../api/local/deployer/index.js";
import type { EventBridgeApi } from "../../../api/local/eventbridge/api.js";
import { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import { createTestTable } from "../../support/dynamo.js";

/**
 * ContinueUpdateRollback on the embedded engine. A stack reaches UPDATE_ROLLBACK_FAILED the way
 * CloudFormation's do: something outside the stack changes while an update runs (here, the bus a
 * rule lives on is deleted right after the rule was updated), so the rollback cannot restore it.
 */
let table: Awaited<ReturnType<typeof createTestTable>>;
let engine: LocalEventBridge;
let deployer: LocalDeployer;
/** Buses deleted "by someone else" right after the update put this pattern on a rule on them. */
const dropBusAfterPattern = new Map<string, string>();

beforeAll(async () => {
  table = await createTestTable();
  engine = new LocalEventBridge({ table });
  const outside: EventBridgeApi = new Proxy(engine, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== "putRule") return typeof value === "function" ? value.bind(target) : value;
      return async (input: Parameters<EventBridgeApi["putRule"]>[0]) => {
        const out = await target.putRule(input);
        const bus = input.EventBusName;
        if (bus && input.EventPattern === dropBusAfterPattern.get(bus)) {
          dropBusAfterPattern.delete(bus);
          await target.deleteEventBus({ Name: bus });
        }
        return out;
      };
    },
  });
  deployer = new LocalDeployer({ engine: outside, table });
});
afterAll(() => table.destroy());

const PATTERN_V1 = JSON.stringify({ source: ["orders"] });
const PATTERN_V2 = JSON.stringify({ source: ["orders", "refunds"] });

/** v1: a rule on a bus outside the stack; v2 changes its pattern and adds a rule that cannot be created. */
const templates = (bus: string) => {
  const rule = (pattern: string) => ({
    Type: "AWS::Events::Rule",
    Properties: { Name: `${bus}-rule`, EventBusName: bus, EventPattern: JSON.parse(pattern) },
  });
  const v1: Template = { Resources: { Rule: rule(PATTERN_V1) } };
  const v2: Template = {
    Resources: {
      Rule: rule(PATTERN_V2),
      Broken: {
        Type: "AWS::Events::Rule",
        DependsOn: "Rule",
        Properties: { EventBusName: "no-such-bus", EventPattern: { source: ["x"] } },
      },
    },
  };
  return { v1, v2 };
};

async function run(p: Promise<unknown>, stackName: string, token: string) {
  await p;
  await deployer.idle();
  return deployer.describe({ stackName, token });
}

/** A stack whose update failed and whose rollback could not restore Rule: UPDATE_ROLLBACK_FAILED. */
async function stuckStack(name: string) {
  await engine.createEventBus({ Name: `${name}-ext` });
  const { v1, v2 } = templates(`${name}-ext`);
  const created = await run(
    deployer.start({ stackName: name, template: v1, parameters: {}, token: `${name}-1` }),
    name,
    `${name}-1`,
  );
  expect(created.stackStatus).toBe("CREATE_COMPLETE");
  dropBusAfterPattern.set(`${name}-ext`, PATTERN_V2);
  const failed = await run(
    deployer.start({ stackName: name, template: v2, parameters: {}, token: `${name}-2` }),
    name,
    `${name}-2`,
  );
  expect(failed).toMatchObject({ phase: "FAILED", stackStatus: "UPDATE_ROLLBACK_FAILED", needsAction: true });
  return failed;
}

const refusal = async (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (err: { code?: string; message: string }) => err,
  );

describe("local deployer: continue rollback", () => {
  it("has nothing to continue on a stack that does not exist or is not in UPDATE_ROLLBACK_FAILED", async () => {
    const none = await refusal(deployer.continueRollback({ stackName: "cr-none", token: "n1" }));
    expect(none.code).toBe("nothing-to-continue");
    expect(none.message).toBe("Stack cr-none does not exist, so it has no rollback to continue.");
    await run(
      deployer.start({
        stackName: "cr-ok",
        template: {
          Resources: { Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "cr-ok-bus" } } },
        },
        parameters: {},
        token: "ok1",
      }),
      "cr-ok",
      "ok1",
    );
    const healthy = await refusal(deployer.continueRollback({ stackName: "cr-ok", token: "ok2" }));
    expect(healthy.code).toBe("nothing-to-continue");
    expect(healthy.message).toBe(
      "Stack cr-ok is in CREATE_COMPLETE, not UPDATE_ROLLBACK_FAILED: there is no failed rollback to continue.",
    );
  });

  it("reaches UPDATE_ROLLBACK_FAILED when a rollback cannot restore a resource, naming it UPDATE_FAILED", async () => {
    const failed = await stuckStack("cr-a");
    expect(failed.reason).toContain("Rule: ResourceNotFoundException: ");
    expect(failed.events.map((e) => `${e.logicalId}:${e.status}`).slice(-4)).toEqual([
      "cr-a:UPDATE_ROLLBACK_IN_PROGRESS",
      "Rule:UPDATE_IN_PROGRESS",
      "Rule:UPDATE_FAILED",
      "cr-a:UPDATE_ROLLBACK_FAILED",
    ]);
    // Stuck: a new update is refused until the rollback is continued.
    const { v1 } = templates("cr-a-ext");
    expect(
      await refusal(deployer.start({ stackName: "cr-a", template: v1, parameters: {}, token: "cr-a-3" })),
    ).toMatchObject({ code: "stack-needs-action" });
  });

  it("refuses to skip a resource that is not in UPDATE_FAILED", async () => {
    const err = await refusal(
      deployer.continueRollback({ stackName: "cr-a", token: "cr-a-c0", resourcesToSkip: ["Broken", "Nope"] }),
    );
    expect(err.code).toBe("resources-not-skippable");
    expect(err.message).toBe(
      "Only resources in UPDATE_FAILED can be skipped when continuing the rollback of stack cr-a: Broken is in CREATE_FAILED; Nope is not a resource of the stack.",
    );
  });

  it("once the cause is fixed, restores the resource and ends UPDATE_ROLLBACK_COMPLETE (a success), idempotent per token", async () => {
    await engine.createEventBus({ Name: "cr-a-ext" });
    const started = await deployer.continueRollback({ stackName: "cr-a", token: "cr-a-c1" });
    expect(started.kind).toBe("started");
    expect(await deployer.continueRollback({ stackName: "cr-a", token: "cr-a-c1" })).toEqual(started);
    await deployer.idle();
    const done = await deployer.describe({ stackName: "cr-a", token: "cr-a-c1" });
    expect(done).toMatchObject({ phase: "SUCCEEDED", stackStatus: "UPDATE_ROLLBACK_COMPLETE" });
    expect(done.needsAction).toBeUndefined();
    expect(done.events.map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      "cr-a:UPDATE_ROLLBACK_IN_PROGRESS",
      "Rule:UPDATE_IN_PROGRESS",
      "Rule:UPDATE_COMPLETE",
      "cr-a:UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
      "cr-a:UPDATE_ROLLBACK_COMPLETE",
    ]);
    const rule = await engine.describeRule({ Name: "cr-a-ext-rule", EventBusName: "cr-a-ext" });
    expect(JSON.parse(rule.EventPattern!)).toEqual(JSON.parse(PATTERN_V1));
    // Usable again: the next update applies.
    const { v1 } = templates("cr-a-ext");
    const next = await run(
      deployer.start({
        stackName: "cr-a",
        template: {
          Resources: {
            ...v1.Resources,
            Bus: { Type: "AWS::Events::EventBus", Properties: { Name: "cr-a-bus" } },
          },
        },
        parameters: {},
        token: "cr-a-4",
      }),
      "cr-a",
      "cr-a-4",
    );
    expect(next.stackStatus).toBe("UPDATE_COMPLETE");
  });

  it("skips a resource in UPDATE_FAILED without touching it", async () => {
    await stuckStack("cr-b");
    await deployer.continueRollback({ stackName: "cr-b", token: "cr-b-c1", resourcesToSkip: ["Rule"] });
    await deployer.idle();
    const done = await deployer.describe({ stackName: "cr-b", token: "cr-b-c1" });
    expect(done).toMatchObject({ phase: "SUCCEEDED", stackStatus: "UPDATE_ROLLBACK_COMPLETE" });
    expect(done.events.find((e) => e.logicalId === "Rule")).toMatchObject({
      status: "UPDATE_COMPLETE",
      reason: "Resource skipped during continue update rollback",
    });
    // Nothing recreated the deleted bus or its rule: the skipped resource no longer matches the template.
    await expect(engine.describeEventBus({ Name: "cr-b-ext" })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("fails again, still needing action, while the cause is not fixed", async () => {
    await stuckStack("cr-c");
    await deployer.continueRollback({ stackName: "cr-c", token: "cr-c-c1" });
    await deployer.idle();
    const again = await deployer.describe({ stackName: "cr-c", token: "cr-c-c1" });
    expect(again).toMatchObject({
      phase: "FAILED",
      stackStatus: "UPDATE_ROLLBACK_FAILED",
      needsAction: true,
    });
    expect(again.reason).toMatch(/^Rule: ResourceNotFoundException: /);
  });
});
