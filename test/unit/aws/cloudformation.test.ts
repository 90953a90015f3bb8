import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type ResourceStatus,
  type StackEvent,
  type StackStatus,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CloudFormationDeployer, MAX_TEMPLATE_BODY_BYTES } from "../../../api/aws/cloudformation.js";
import { DeployerError, type Template } from "../../../api/deployments/port.js";
import {
  changeSetNotFound,
  createdChangeSet,
  describedChangeSet,
  describedStack,
  meta,
  newestFirst,
  outputs,
  resourceChange,
  serviceError,
  stackDoesNotExist,
  stackEvents,
  stackRef,
  TOKEN,
} from "../../support/cloudformation-fixtures.js";

const SHOP = stackRef("shop-dev");
const { StackName: STACK, StackId: STACK_ID } = SHOP;
/** The same name after a stack left in ROLLBACK_COMPLETE was deleted: a new stack, a new ARN. */
const RECREATED = stackRef(STACK, "0c9d8e7f-2f0b-11ef-9c1e-0a1b2c3d4e5f");

const template: Template = {
  AWSTemplateFormatVersion: "2010-09-09",
  Parameters: { ConsumerCodeKey: { Type: "String" } },
  Resources: { OrdersEventBus: { Type: "AWS::Events::EventBus", Properties: { Name: "shop-dev-orders" } } },
  Outputs: { OrdersArn: { Value: { "Fn::GetAtt": ["OrdersEventBus", "Arn"] } } },
};

const missingStack = () => stackDoesNotExist(STACK);
const throttled = () => serviceError("Throttling", "Rate exceeded");

const stack = (StackStatus: StackStatus, extra: Parameters<typeof describedStack>[2] = {}) =>
  describedStack(SHOP, StackStatus, extra);
const busEvent = stackEvents(SHOP, "AWS::Events::EventBus");
/** This deployment's events, unless `extra` names another token. */
const event = (logicalId: string, status: ResourceStatus, extra: Partial<StackEvent> = {}) =>
  busEvent(logicalId, status, TOKEN, extra);
const cfn = mockClient(CloudFormationClient);
// Test files share a worker's modules: the real client comes back for the next file.
afterAll(() => {
  cfn.restore();
});
const waits: number[] = [];
const deployer = new CloudFormationDeployer({
  client: new CloudFormationClient({ region: "eu-west-1" }),
  pollMs: 5,
  sleep: async (ms) => {
    waits.push(ms);
  },
});

beforeEach(() => {
  cfn.reset();
  waits.length = 0;
});

const start = () =>
  deployer.start({ stackName: STACK, template, parameters: { ConsumerCodeKey: "c/1.zip" }, token: TOKEN });

describe("CloudFormationDeployer.start", () => {
  it("creates a new stack through a CREATE change set with IAM capabilities and the token", async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolvesOnce(describedChangeSet(SHOP, TOKEN, "CREATE_PENDING", "UNAVAILABLE"))
      .resolves(describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(ExecuteChangeSetCommand).resolves(meta);

    expect(await start()).toEqual({ kind: "started", stackId: STACK_ID });
    const [create] = cfn.commandCalls(CreateChangeSetCommand);
    expect(create!.args[0].input).toMatchObject({
      StackName: STACK,
      ChangeSetName: TOKEN,
      ClientToken: TOKEN,
      ChangeSetType: "CREATE",
      Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
      Parameters: [{ ParameterKey: "ConsumerCodeKey", ParameterValue: "c/1.zip" }],
    });
    expect(JSON.parse(create!.args[0].input.TemplateBody!)).toEqual(template);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)[0]!.args[0].input).toEqual({
      ChangeSetName: TOKEN,
      StackName: STACK,
      ClientRequestToken: TOKEN,
    });
  });

  it("updates an existing stack through an UPDATE change set", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolves(describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(ExecuteChangeSetCommand).resolves(meta);
    expect(await start()).toEqual({ kind: "started", stackId: STACK_ID });
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe("UPDATE");
  });

  it("treats an empty change set as a successful no-op and deletes it", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolves(
        describedChangeSet(SHOP, TOKEN, "FAILED", "UNAVAILABLE", {
          StatusReason:
            "The submitted information didn't contain changes. Submit different information to create a change set.",
        }),
      );
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(DeleteChangeSetCommand).resolves(meta);
    expect(await start()).toEqual({ kind: "noop", stackId: STACK_ID });
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(DeleteChangeSetCommand)[0]!.args[0].input).toEqual({
      ChangeSetName: TOKEN,
      StackName: STACK,
    });
  });

  it("reports a change set CloudFormation refused for another reason", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolves(
        describedChangeSet(SHOP, TOKEN, "FAILED", "UNAVAILABLE", {
          StatusReason: "Template format error: Unresolved resource dependencies [X]",
        }),
      );
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    await expect(start()).rejects.toThrow(/Unresolved resource dependencies \[X\]/);
  });

  it("deletes a stack left in ROLLBACK_COMPLETE, waits for it, then creates it again", async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(stack("ROLLBACK_COMPLETE"))
      .resolvesOnce(stack("DELETE_IN_PROGRESS"))
      .resolvesOnce(stack("DELETE_COMPLETE"));
    cfn.on(DeleteStackCommand).resolves(meta);
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .resolves(describedChangeSet(RECREATED, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(RECREATED, TOKEN));
    cfn.on(ExecuteChangeSetCommand).resolves(meta);

    expect(await start()).toEqual({ kind: "started", stackId: RECREATED.StackId });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input.StackName).toBe(STACK_ID);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe("CREATE");
  });

  it("refuses a stack in UPDATE_ROLLBACK_FAILED as needing action, without touching it", async () => {
    cfn.on(DescribeStacksCommand).resolves(
      stack("UPDATE_ROLLBACK_FAILED", {
        StackStatusReason: "The following resource(s) failed to update: [OrdersRule].",
      }),
    );
    const err = await start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployerError);
    expect(err).toMatchObject({ code: "stack-needs-action" });
    expect((err as Error).message).toMatch(/UPDATE_ROLLBACK_FAILED.*ContinueUpdateRollback/);
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });

  it("refuses a stack busy with another operation", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_IN_PROGRESS"));
    cfn.on(DescribeChangeSetCommand).rejects(changeSetNotFound(TOKEN));
    await expect(start()).rejects.toMatchObject({ code: "stack-busy" });
  });

  it("is idempotent: a retried start finds its own change set executing", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_IN_PROGRESS"));
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "EXECUTE_IN_PROGRESS"));
    expect(await start()).toEqual({ kind: "started", stackId: STACK_ID });
    expect(cfn.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it("refuses a template over 51,200 bytes without a template bucket, before calling CloudFormation", async () => {
    const big: Template = {
      Resources: {
        Bus: {
          Type: "AWS::Events::EventBus",
          Properties: { Name: "x", Description: "d".repeat(MAX_TEMPLATE_BODY_BYTES) },
        },
      },
    };
    const err = await deployer
      .start({ stackName: STACK, template: big, parameters: {}, token: TOKEN })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "template-too-large" });
    expect((err as Error).message).toMatch(/at most 51200 bytes inline/);
    expect((err as Error).message).toMatch(/set SWITCHYARD_TEMPLATE_BUCKET/);
    expect(cfn.calls()).toHaveLength(0);
  });

  it("retries throttled calls with backoff, and gives up after the last attempt", async () => {
    cfn
      .on(DescribeStacksCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves(stack("UPDATE_COMPLETE"));
    cfn
      .on(DescribeChangeSetCommand)
      .rejectsOnce(changeSetNotFound(TOKEN))
      .rejectsOnce(throttled())
      .resolves(describedChangeSet(SHOP, TOKEN, "CREATE_COMPLETE", "AVAILABLE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(ExecuteChangeSetCommand).rejectsOnce(throttled()).resolves(meta);
    expect(await start()).toEqual({ kind: "started", stackId: STACK_ID });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(3);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(2);
    expect(waits).toHaveLength(4);

    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(throttled());
    await expect(start()).rejects.toMatchObject({ name: "Throttling" });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(6);
  });
});

describe("CloudFormationDeployer.describe", () => {
  it("reports a successful create: events oldest first, outputs, and only events after the cursor", async () => {
    const events = [
      event(STACK, "CREATE_IN_PROGRESS", { ResourceStatusReason: "User Initiated" }),
      event("OrdersEventBus", "CREATE_IN_PROGRESS"),
      event("OrdersEventBus", "CREATE_COMPLETE"),
      event(STACK, "CREATE_COMPLETE"),
    ];
    cfn.on(DescribeStacksCommand).resolves(
      stack("CREATE_COMPLETE", {
        Outputs: outputs({ OrdersArn: "arn:aws:events:eu-west-1:123456789012:event-bus/shop-dev-orders" }),
      }),
    );
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));
    const all = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(all).toMatchObject({
      phase: "SUCCEEDED",
      stackStatus: "CREATE_COMPLETE",
      outputs: { OrdersArn: "arn:aws:events:eu-west-1:123456789012:event-bus/shop-dev-orders" },
    });
    expect(all.events.map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      `${STACK}:CREATE_IN_PROGRESS`,
      "OrdersEventBus:CREATE_IN_PROGRESS",
      "OrdersEventBus:CREATE_COMPLETE",
      `${STACK}:CREATE_COMPLETE`,
    ]);
    const later = await deployer.describe({
      stackName: STACK,
      token: TOKEN,
      afterEventId: events[1]!.EventId!,
    });
    expect(later.events.map((e) => e.id)).toEqual([events[2]!.EventId, events[3]!.EventId]);
  });

  it("reports a failed create with the failing resource's reason, not the cancelled ones", async () => {
    const events = [
      event(STACK, "CREATE_IN_PROGRESS"),
      event("OrdersEventBus", "CREATE_IN_PROGRESS"),
      event("OrdersRule", "CREATE_IN_PROGRESS"),
      event("OrdersEventBus", "CREATE_FAILED", {
        ResourceStatusReason:
          'Resource handler returned message: "Event bus shop-dev-orders already exists. (Service: EventBridge, Status Code: 400)" (HandlerErrorCode: AlreadyExists)',
      }),
      event("OrdersRule", "CREATE_FAILED", { ResourceStatusReason: "Resource creation cancelled" }),
      event(STACK, "ROLLBACK_IN_PROGRESS", {
        ResourceStatusReason:
          "The following resource(s) failed to create: [OrdersEventBus, OrdersRule]. Rollback requested by user.",
      }),
      event("OrdersEventBus", "DELETE_COMPLETE"),
      event(STACK, "ROLLBACK_COMPLETE"),
    ];
    cfn.on(DescribeStacksCommand).resolves(stack("ROLLBACK_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));
    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(status.phase).toBe("FAILED");
    expect(status.stackStatus).toBe("ROLLBACK_COMPLETE");
    expect(status.reason).toBe(
      'OrdersEventBus: Resource handler returned message: "Event bus shop-dev-orders already exists. (Service: EventBridge, Status Code: 400)" (HandlerErrorCode: AlreadyExists)',
    );
    expect(status.needsAction).toBeUndefined();
  });

  it("reports UPDATE_ROLLBACK_FAILED as failed and needing action", async () => {
    const events = [
      event(STACK, "UPDATE_IN_PROGRESS"),
      event("OrdersEventBus", "UPDATE_FAILED", {
        ResourceStatusReason: "Access denied for operation 'events:UpdateEventBus'.",
      }),
      event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS"),
      event("OrdersEventBus", "UPDATE_FAILED", { ResourceStatusReason: "Access denied again." }),
      event(STACK, "UPDATE_ROLLBACK_FAILED"),
    ];
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_FAILED"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));
    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(status).toMatchObject({
      phase: "FAILED",
      stackStatus: "UPDATE_ROLLBACK_FAILED",
      needsAction: true,
    });
    expect(status.reason).toContain("events:UpdateEventBus");
  });

  it("reads only this operation's events, across pages, and stays IN_PROGRESS while it runs", async () => {
    const older = event(STACK, "UPDATE_COMPLETE", { ClientRequestToken: "sy-01JD0000000000000000000000" });
    const mine = [event(STACK, "UPDATE_IN_PROGRESS"), event("OrdersEventBus", "UPDATE_IN_PROGRESS")];
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_IN_PROGRESS"));
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ ...meta, StackEvents: [mine[1]!], NextToken: "page-2" })
      .resolvesOnce({ ...meta, StackEvents: [mine[0]!, older] });
    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(status.phase).toBe("IN_PROGRESS");
    expect(status.events.map((e) => e.id)).toEqual([mine[0]!.EventId, mine[1]!.EventId]);
    expect(cfn.commandCalls(DescribeStackEventsCommand)[1]!.args[0].input.NextToken).toBe("page-2");
  });

  it("is still starting while the executed change set has produced no events yet", async () => {
    const older = event(STACK, "UPDATE_COMPLETE", { ClientRequestToken: "sy-01JD0000000000000000000000" });
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst([older]));
    expect((await deployer.describe({ stackName: STACK, token: TOKEN })).phase).toBe("IN_PROGRESS");
  });

  it("reports a teardown's DELETE_COMPLETE, read by stack ID, as success", async () => {
    const events = [
      event(STACK, "DELETE_IN_PROGRESS"),
      event("OrdersEventBus", "DELETE_COMPLETE"),
      event(STACK, "DELETE_COMPLETE"),
    ];
    cfn.on(DescribeStacksCommand).resolves(stack("DELETE_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));
    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(status).toMatchObject({ phase: "SUCCEEDED", stackStatus: "DELETE_COMPLETE" });
    expect(cfn.commandCalls(DescribeStacksCommand)[0]!.args[0].input.StackName).toBe(STACK_ID);
  });

  it("reports a teardown stopped by a resource as DELETE_FAILED, needing action, with the resource's reason", async () => {
    const events = [
      event(STACK, "DELETE_IN_PROGRESS"),
      event("OrdersEventBus", "DELETE_FAILED", {
        ResourceStatusReason: 'Resource handler returned message: "Cannot delete event bus with rules."',
      }),
      event(STACK, "DELETE_FAILED", {
        ResourceStatusReason: "The following resource(s) failed to delete: [OrdersEventBus].",
      }),
    ];
    cfn.on(DescribeStacksCommand).resolves(stack("DELETE_FAILED"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(events));
    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });
    expect(status).toMatchObject({ phase: "FAILED", stackStatus: "DELETE_FAILED", needsAction: true });
    expect(status.reason).toBe(
      'OrdersEventBus: Resource handler returned message: "Cannot delete event bus with rules."',
    );
  });

  it("says so when the stack was never created for this operation", async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    expect(await deployer.describe({ stackName: STACK, token: TOKEN })).toMatchObject({
      unknownOperation: true,
    });
  });
});

describe("CloudFormationDeployer.preview and teardown", () => {
  it("previews through a change set it deletes afterwards, mapping adds, replacements and removals", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_COMPLETE"));
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce({
        ...meta,
        Status: "CREATE_COMPLETE",
        NextToken: "more",
        Changes: [
          resourceChange("Add", "OrdersArchive", "AWS::Events::Archive"),
          resourceChange("Modify", "OrdersEventBus", "AWS::Events::EventBus", {
            Replacement: "True",
            Details: [{ Target: { Attribute: "Properties", Name: "Name", RequiresRecreation: "Always" } }],
          }),
        ],
      })
      .resolvesOnce({
        ...meta,
        Status: "CREATE_COMPLETE",
        Changes: [resourceChange("Remove", "OldRule", "AWS::Events::Rule")],
      });
    cfn.on(DeleteChangeSetCommand).resolves(meta);
    const changes = await deployer.preview({
      stackName: STACK,
      template,
      parameters: { ConsumerCodeKey: "k" },
    });
    expect(changes).toEqual([
      { action: "Add", logicalId: "OrdersArchive", resourceType: "AWS::Events::Archive" },
      {
        action: "Modify",
        logicalId: "OrdersEventBus",
        resourceType: "AWS::Events::EventBus",
        replacement: "True",
        properties: ["Name"],
      },
      { action: "Remove", logicalId: "OldRule", resourceType: "AWS::Events::Rule" },
    ]);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe("UPDATE");
    expect(cfn.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(cfn.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it("previews a new stack without leaving its REVIEW_IN_PROGRESS shell behind", async () => {
    cfn.on(DescribeStacksCommand).rejects(missingStack());
    cfn.on(CreateChangeSetCommand).resolves(createdChangeSet(SHOP, TOKEN));
    cfn.on(DescribeChangeSetCommand).resolves({
      ...meta,
      Status: "CREATE_COMPLETE",
      Changes: [resourceChange("Add", "OrdersEventBus", "AWS::Events::EventBus")],
    });
    cfn.on(DeleteChangeSetCommand).resolves(meta);
    cfn.on(DeleteStackCommand).resolves(meta);
    expect(await deployer.preview({ stackName: STACK, template, parameters: {} })).toHaveLength(1);
    expect(cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input.ChangeSetType).toBe("CREATE");
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input.StackName).toBe(STACK_ID);
  });

  it("tears a stack down with DeleteStack and the token; a missing stack is a no-op", async () => {
    cfn.on(DescribeStacksCommand).resolvesOnce(stack("UPDATE_COMPLETE")).rejects(missingStack());
    cfn.on(DeleteStackCommand).resolves(meta);
    expect(await deployer.teardown({ stackName: STACK, token: TOKEN })).toEqual({
      kind: "started",
      stackId: STACK_ID,
    });
    expect(cfn.commandCalls(DeleteStackCommand)[0]!.args[0].input).toEqual({
      StackName: STACK_ID,
      ClientRequestToken: TOKEN,
    });
    expect(await deployer.teardown({ stackName: STACK, token: "sy-other" })).toEqual({ kind: "noop" });
  });
});
