import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type ResourceStatus,
  type StackStatus,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CloudFormationDeployer } from "../../../api/aws/cloudformation.js";
import { DeployerError } from "../../../api/deployments/port.js";
import {
  describedStack,
  listedResources,
  meta,
  newestFirst,
  outputs,
  ROLE_ARN,
  resourceSummary,
  serviceError,
  stackDoesNotExist,
  stackEvents,
  stackRef,
  TOKEN as UPDATE_TOKEN,
} from "../../support/cloudformation-fixtures.js";

const SHOP = stackRef("sy-shop-dev");
const { StackName: STACK, StackId: STACK_ID } = SHOP;
/** The continue-rollback's token (the failed update's is UPDATE_TOKEN). */
const TOKEN = "sy-01JD5Z9A0B1C2D3E4F5G6H7J8K";

const stack = (StackStatus: StackStatus) =>
  describedStack(SHOP, StackStatus, {
    LastUpdatedTime: new Date("2026-11-26T12:00:00Z"),
    RoleARN: ROLE_ARN,
    Outputs: outputs({
      OrdersEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/sy-shop-dev-orders",
    }),
  });
const event = stackEvents(SHOP, "AWS::Events::Rule");

/** The failed update: its rollback could not restore OrdersRule (deleted outside CloudFormation). */
const failedUpdate = [
  event(STACK, "UPDATE_IN_PROGRESS", UPDATE_TOKEN, { ResourceStatusReason: "User Initiated" }),
  event("OrdersRule", "UPDATE_IN_PROGRESS", UPDATE_TOKEN),
  event("OrdersRule", "UPDATE_COMPLETE", UPDATE_TOKEN),
  event("AuditQueue", "CREATE_FAILED", UPDATE_TOKEN, {
    ResourceType: "AWS::SQS::Queue",
    ResourceStatusReason: 'Resource handler returned message: "Access to the resource is denied."',
  }),
  event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", UPDATE_TOKEN, {
    ResourceStatusReason: "The following resource(s) failed to create: [AuditQueue].",
  }),
  event("OrdersRule", "UPDATE_IN_PROGRESS", UPDATE_TOKEN),
  event("OrdersRule", "UPDATE_FAILED", UPDATE_TOKEN, {
    ResourceStatusReason:
      'Resource handler returned message: "Rule sy-shop-dev-orders does not exist on EventBus sy-shop-dev-bus. (Service: EventBridge, Status Code: 400)" (HandlerErrorCode: NotFound)',
  }),
  event(STACK, "UPDATE_ROLLBACK_FAILED", UPDATE_TOKEN, {
    ResourceStatusReason: "The following resource(s) failed to update: [OrdersRule].",
  }),
];

/** CloudFormation as the failed update left the stack: in UPDATE_ROLLBACK_FAILED. */
function stuckAfterFailedUpdate(): void {
  cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_FAILED"));
  cfn.on(DescribeStackEventsCommand).resolves(newestFirst(failedUpdate));
}

const resource = (LogicalResourceId: string, ResourceStatus: ResourceStatus) =>
  resourceSummary(LogicalResourceId, "AWS::Events::Rule", ResourceStatus);

const cfn = mockClient(CloudFormationClient);
// Test files share a worker's modules: the real client comes back for the next file.
afterAll(() => {
  cfn.restore();
});
const deployer = new CloudFormationDeployer({
  client: new CloudFormationClient({ region: "eu-west-1" }),
  roleArn: ROLE_ARN,
  pollMs: 1,
  sleep: async () => {},
});

beforeEach(() => {
  cfn.reset();
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeployerError);
  return err as DeployerError;
};

describe("CloudFormationDeployer.continueRollback", () => {
  it("continues a stack in UPDATE_ROLLBACK_FAILED through the service role, with the deployment's token", async () => {
    stuckAfterFailedUpdate();
    cfn.on(ContinueUpdateRollbackCommand).resolves(meta);

    const result = await deployer.continueRollback({ stackName: STACK, stackId: STACK_ID, token: TOKEN });

    expect(result).toEqual({ kind: "started", stackId: STACK_ID });
    const calls = cfn.commandCalls(ContinueUpdateRollbackCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      StackName: STACK_ID,
      ClientRequestToken: TOKEN,
      RoleARN: ROLE_ARN,
    });
  });

  it("passes resources to skip once each is in UPDATE_FAILED, reading every page of resources", async () => {
    stuckAfterFailedUpdate();
    cfn
      .on(ListStackResourcesCommand)
      .resolvesOnce(listedResources([resource("OrdersBus", "UPDATE_COMPLETE")], "p2"))
      .resolvesOnce(listedResources([resource("OrdersRule", "UPDATE_FAILED")]));
    cfn.on(ContinueUpdateRollbackCommand).resolves(meta);

    await deployer.continueRollback({
      stackName: STACK,
      stackId: STACK_ID,
      token: TOKEN,
      resourcesToSkip: ["OrdersRule", "OrdersRule"],
    });

    expect(cfn.commandCalls(ListStackResourcesCommand)[1]!.args[0].input).toEqual({
      StackName: STACK_ID,
      NextToken: "p2",
    });
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)[0]!.args[0].input.ResourcesToSkip).toEqual([
      "OrdersRule",
    ]);
  });

  it("refuses to skip a resource not in UPDATE_FAILED, or not in the stack, before calling ContinueUpdateRollback", async () => {
    stuckAfterFailedUpdate();
    cfn
      .on(ListStackResourcesCommand)
      .resolves(
        listedResources([resource("OrdersBus", "UPDATE_COMPLETE"), resource("OrdersRule", "UPDATE_FAILED")]),
      );

    const err = await refusal(
      deployer.continueRollback({
        stackName: STACK,
        token: TOKEN,
        resourcesToSkip: ["OrdersRule", "OrdersBus", "NoSuchThing"],
      }),
    );

    expect(err.code).toBe("resources-not-skippable");
    expect(err.message).toBe(
      "Only resources in UPDATE_FAILED can be skipped when continuing the rollback of stack sy-shop-dev: OrdersBus is in UPDATE_COMPLETE; NoSuchThing is not a resource of the stack.",
    );
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(0);
  });

  it("has nothing to continue on a stack that is not in UPDATE_ROLLBACK_FAILED, or does not exist", async () => {
    const rolledBack = [...failedUpdate.slice(0, 5), event(STACK, "UPDATE_ROLLBACK_COMPLETE", UPDATE_TOKEN)];
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(rolledBack));
    const healthy = await refusal(deployer.continueRollback({ stackName: STACK, token: TOKEN }));
    expect(healthy.code).toBe("nothing-to-continue");
    expect(healthy.message).toBe(
      "Stack sy-shop-dev is in UPDATE_ROLLBACK_COMPLETE, not UPDATE_ROLLBACK_FAILED: there is no failed rollback to continue.",
    );

    cfn.reset();
    cfn.on(DescribeStacksCommand).rejects(stackDoesNotExist(STACK));
    const missing = await refusal(deployer.continueRollback({ stackName: STACK, token: TOKEN }));
    expect(missing.code).toBe("nothing-to-continue");
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(0);
  });

  it("is idempotent per token: a retry finds its own operation running and calls nothing", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_IN_PROGRESS"));
    cfn
      .on(DescribeStackEventsCommand)
      .resolves(newestFirst([...failedUpdate, event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", TOKEN)]));

    const result = await deployer.continueRollback({ stackName: STACK, stackId: STACK_ID, token: TOKEN });

    expect(result).toEqual({ kind: "started", stackId: STACK_ID });
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(0);
  });

  it("turns CloudFormation's ValidationError (the stack moved on meanwhile) into a clear refusal", async () => {
    stuckAfterFailedUpdate();
    cfn
      .on(ContinueUpdateRollbackCommand)
      .rejects(
        serviceError(
          "ValidationError",
          `Stack:${STACK_ID} is in UPDATE_ROLLBACK_IN_PROGRESS state and can not be updated.`,
        ),
      );

    const err = await refusal(deployer.continueRollback({ stackName: STACK, token: TOKEN }));

    expect(err.code).toBe("nothing-to-continue");
    expect(err.message).toBe(
      `CloudFormation refused to continue the rollback of stack sy-shop-dev: Stack:${STACK_ID} is in UPDATE_ROLLBACK_IN_PROGRESS state and can not be updated.`,
    );
  });
});

describe("CloudFormationDeployer.describe of a continued rollback", () => {
  const continued = [
    event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", TOKEN, { ResourceStatusReason: "User Initiated" }),
    event("OrdersRule", "UPDATE_IN_PROGRESS", TOKEN),
    event("OrdersRule", "UPDATE_COMPLETE", TOKEN),
    event(STACK, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", TOKEN),
    event("AuditQueue", "DELETE_COMPLETE", TOKEN, { ResourceType: "AWS::SQS::Queue" }),
    event(STACK, "UPDATE_ROLLBACK_COMPLETE", TOKEN),
  ];

  it("is in progress while the rollback runs, with only this operation's events", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_IN_PROGRESS"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst([...failedUpdate, ...continued.slice(0, 2)]));

    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });

    expect(status.phase).toBe("IN_PROGRESS");
    expect(status.events.map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      `${STACK}:UPDATE_ROLLBACK_IN_PROGRESS`,
      "OrdersRule:UPDATE_IN_PROGRESS",
    ]);
  });

  it("succeeds in UPDATE_ROLLBACK_COMPLETE, needing no action, with the stack's outputs", async () => {
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst([...failedUpdate, ...continued]));

    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });

    expect(status).toMatchObject({ phase: "SUCCEEDED", stackStatus: "UPDATE_ROLLBACK_COMPLETE" });
    expect(status.needsAction).toBeUndefined();
    expect(status.reason).toBeUndefined();
    expect(status.events).toHaveLength(continued.length);
    expect(status.outputs).toEqual({
      OrdersEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/sy-shop-dev-orders",
    });
  });

  it("fails, still needing action, when the rollback fails again", async () => {
    const again = [
      event(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", TOKEN, { ResourceStatusReason: "User Initiated" }),
      event("OrdersRule", "UPDATE_IN_PROGRESS", TOKEN),
      event("OrdersRule", "UPDATE_FAILED", TOKEN, {
        ResourceStatusReason: "Rule sy-shop-dev-orders does not exist.",
      }),
      event(STACK, "UPDATE_ROLLBACK_FAILED", TOKEN, {
        ResourceStatusReason: "The following resource(s) failed to update: [OrdersRule].",
      }),
    ];
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_FAILED"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst([...failedUpdate, ...again]));

    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: TOKEN });

    expect(status).toMatchObject({
      phase: "FAILED",
      stackStatus: "UPDATE_ROLLBACK_FAILED",
      needsAction: true,
      reason: "OrdersRule: Rule sy-shop-dev-orders does not exist.",
    });
  });

  it("still reports the failed update itself (UPDATE_ROLLBACK_COMPLETE under its own token) as failed", async () => {
    const rolledBack = [...failedUpdate.slice(0, 5), event(STACK, "UPDATE_ROLLBACK_COMPLETE", UPDATE_TOKEN)];
    cfn.on(DescribeStacksCommand).resolves(stack("UPDATE_ROLLBACK_COMPLETE"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(rolledBack));

    const status = await deployer.describe({ stackName: STACK, stackId: STACK_ID, token: UPDATE_TOKEN });

    expect(status).toMatchObject({ phase: "FAILED", stackStatus: "UPDATE_ROLLBACK_COMPLETE" });
  });
});
