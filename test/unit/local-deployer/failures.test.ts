import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Template } from "../../../api/deployments/port.js";
import { diffTemplates } from "../../../api/local/deployer/diff.js";
import { localWorld } from "./support.js";

let world: Awaited<ReturnType<typeof localWorld>>;
beforeAll(async () => {
  world = await localWorld();
});
afterAll(() => world.close());

const bus = (name: string) => ({ Type: "AWS::Events::EventBus", Properties: { Name: name } });
/** A rule on a bus the engine does not have: EventBridge refuses it. */
const brokenRule = {
  Type: "AWS::Events::Rule",
  DependsOn: "Bus",
  Properties: { EventBusName: "no-such-bus", EventPattern: { source: ["x"] } },
};

async function apply(
  stackName: string,
  template: Template,
  token: string,
  parameters: Record<string, string> = {},
) {
  await world.deployer.start({ stackName, template, parameters, token });
  await world.deployer.idle();
  return world.deployer.describe({ stackName, token });
}

const gone = (name: string) =>
  expect(world.engine.describeEventBus({ Name: name })).rejects.toMatchObject({
    name: "ResourceNotFoundException",
  });

describe("local deployer failures", () => {
  it("rolls a failed create back, ends ROLLBACK_COMPLETE with the resource's reason, and can create again", async () => {
    const status = await apply(
      "f-create",
      { Resources: { Bus: bus("f-create-bus"), Rule: brokenRule } },
      "t1",
    );
    expect(status).toMatchObject({ phase: "FAILED", stackStatus: "ROLLBACK_COMPLETE" });
    expect(status.reason).toMatch(/^Rule: ResourceNotFoundException: /);
    expect(status.events.map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      "f-create:CREATE_IN_PROGRESS",
      "Bus:CREATE_IN_PROGRESS",
      "Bus:CREATE_COMPLETE",
      "Rule:CREATE_IN_PROGRESS",
      "Rule:CREATE_FAILED",
      "f-create:ROLLBACK_IN_PROGRESS",
      "Bus:DELETE_IN_PROGRESS",
      "Bus:DELETE_COMPLETE",
      "f-create:ROLLBACK_COMPLETE",
    ]);
    await gone("f-create-bus");

    const again = await apply("f-create", { Resources: { Bus: bus("f-create-bus") } }, "t2");
    expect(again).toMatchObject({ phase: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
  });

  it("rolls a failed update back to what ran before and keeps the stack usable", async () => {
    await apply("f-update", { Resources: { Bus: bus("f-update-a") } }, "u1");
    const failed = await apply(
      "f-update",
      { Resources: { Bus: bus("f-update-b"), Extra: bus("f-update-extra"), Rule: brokenRule } },
      "u2",
    );
    expect(failed).toMatchObject({ phase: "FAILED", stackStatus: "UPDATE_ROLLBACK_COMPLETE" });
    // The replacement bus and the new one are gone; the original is still there.
    await gone("f-update-b");
    await gone("f-update-extra");
    await expect(world.engine.describeEventBus({ Name: "f-update-a" })).resolves.toMatchObject({
      Name: "f-update-a",
    });
    // Still usable: the next update succeeds and replaces the bus (new name = new bus).
    const next = await apply("f-update", { Resources: { Bus: bus("f-update-c") } }, "u3");
    expect(next.stackStatus).toBe("UPDATE_COMPLETE");
    await gone("f-update-a");
  });

  it("fails a template whose parameters have no values", async () => {
    const status = await apply(
      "f-params",
      { Parameters: { Key: { Type: "String" } }, Resources: { Bus: bus("f-params") } },
      "p1",
    );
    expect(status).toMatchObject({ phase: "FAILED", stackStatus: "ROLLBACK_COMPLETE" });
    expect(status.reason).toBe("Parameters: [Key] must have values");
  });

  it("refuses a second operation while one runs, and is idempotent per token", async () => {
    const template = { Resources: { Bus: bus("f-busy") } };
    await world.deployer.start({ stackName: "f-busy", template, parameters: {}, token: "b1" });
    await expect(
      world.deployer.start({ stackName: "f-busy", template: { Resources: {} }, parameters: {}, token: "b2" }),
    ).rejects.toMatchObject({ code: "stack-busy" });
    expect(
      await world.deployer.start({ stackName: "f-busy", template, parameters: {}, token: "b1" }),
    ).toMatchObject({
      kind: "started",
    });
    await world.deployer.idle();
  });
});

describe("local preview diff", () => {
  const before: Template = {
    Resources: {
      Bus: bus("shop-dev-orders"),
      Rule: { Type: "AWS::Events::Rule", Properties: { EventBusName: { Ref: "Bus" }, State: "ENABLED" } },
      Fn: { Type: "AWS::Lambda::Function", Properties: { Code: { S3Key: { Ref: "CodeKey" } } } },
    },
  };

  it("lists adds, in-place modifies, replacements and removals by logical ID and type", () => {
    const after: Template = {
      Resources: {
        Bus: bus("shop-dev-renamed"),
        Rule: { Type: "AWS::Events::Rule", Properties: { EventBusName: { Ref: "Bus" }, State: "DISABLED" } },
        Archive: {
          Type: "AWS::Events::Archive",
          Properties: { SourceArn: { "Fn::GetAtt": ["Bus", "Arn"] } },
        },
      },
    };
    expect(diffTemplates({ template: before, parameters: {} }, { template: after, parameters: {} })).toEqual([
      {
        action: "Modify",
        logicalId: "Bus",
        resourceType: "AWS::Events::EventBus",
        replacement: "True",
        properties: ["Name"],
      },
      {
        action: "Modify",
        logicalId: "Rule",
        resourceType: "AWS::Events::Rule",
        replacement: "False",
        properties: ["State"],
      },
      { action: "Add", logicalId: "Archive", resourceType: "AWS::Events::Archive" },
      { action: "Remove", logicalId: "Fn", resourceType: "AWS::Lambda::Function" },
    ]);
  });

  it("shows a new artifact as a modified function, and nothing when nothing changes", () => {
    const params = { CodeKey: "fn/1.zip" };
    expect(
      diffTemplates({ template: before, parameters: params }, { template: before, parameters: params }),
    ).toEqual([]);
    expect(
      diffTemplates(
        { template: before, parameters: params },
        { template: before, parameters: { CodeKey: "fn/2.zip" } },
      ),
    ).toEqual([
      {
        action: "Modify",
        logicalId: "Fn",
        resourceType: "AWS::Lambda::Function",
        replacement: "False",
        properties: ["Code"],
      },
    ]);
  });
});

describe("DeletionPolicy", () => {
  it("keeps a retained resource when the stack is torn down, and deletes the others", async () => {
    const template: Template = {
      Resources: {
        Kept: { ...bus("dp-kept"), DeletionPolicy: "Retain" },
        Gone: bus("dp-gone"),
      },
    };
    expect((await apply("dp", template, "dp1")).phase).toBe("SUCCEEDED");
    await world.deployer.teardown({ stackName: "dp", token: "dp2" });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "dp", token: "dp2" });
    expect(status.stackStatus).toBe("DELETE_COMPLETE");
    expect(status.events.map((e) => `${e.logicalId}:${e.status}`)).toContain("Kept:DELETE_SKIPPED");
    await expect(world.engine.describeEventBus({ Name: "dp-kept" })).resolves.toMatchObject({
      Name: "dp-kept",
    });
    await gone("dp-gone");
  });
});

describe("exports and Fn::ImportValue across local stacks", () => {
  const exporter = (busName: string): Template => ({
    Resources: { Bus: bus(busName) },
    Outputs: {
      BusArn: {
        Value: { "Fn::GetAtt": ["Bus", "Arn"] },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
        Export: { Name: { "Fn::Sub": "${AWS::StackName}-BusArn" } },
      },
    },
  });
  const importer: Template = {
    Resources: {
      Rule: {
        Type: "AWS::Events::Rule",
        Properties: {
          EventBusName: { "Fn::ImportValue": "ex-a-BusArn" },
          EventPattern: { source: ["x"] },
        },
      },
    },
    Outputs: { RuleArn: { Value: { "Fn::GetAtt": ["Rule", "Arn"] } } },
  };

  it("imports another stack's export, refuses a duplicate export, and fails an import nobody exports", async () => {
    expect((await apply("ex-a", exporter("ex-a-bus"), "e1")).phase).toBe("SUCCEEDED");
    const imported = await apply("ex-b", importer, "e2");
    expect(imported.reason).toBeUndefined();
    expect(imported.outputs.RuleArn).toMatch(/:rule\/ex-a-bus\//);

    // Same export name from another stack (an override of the Sub would do it): refused.
    const clash: Template = {
      Resources: { Bus: bus("ex-c-bus") },
      Outputs: { BusArn: { Value: { "Fn::GetAtt": ["Bus", "Arn"] }, Export: { Name: "ex-a-BusArn" } } },
    };
    const refused = await apply("ex-c", clash, "e3");
    expect(refused).toMatchObject({ phase: "FAILED", stackStatus: "ROLLBACK_COMPLETE" });
    expect(refused.reason).toBe("Export with name ex-a-BusArn is already exported by stack ex-a");
    // Refused before anything was created.
    await gone("ex-c-bus");

    await world.deployer.teardown({ stackName: "ex-b", token: "e4" });
    await world.deployer.teardown({ stackName: "ex-a", token: "e5" });
    await world.deployer.idle();
    const orphan = await apply("ex-d", importer, "e6");
    expect(orphan.phase).toBe("FAILED");
    expect(orphan.reason).toBe("Rule: No export named ex-a-BusArn found");
  });
});
