import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type ResourceStatus,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudFormationDeployer } from "../../../api/aws/cloudformation.js";
import { deploy, readDeployment, readStage } from "../../../api/deployments/use-cases.js";
import {
  acceptNewStack,
  describedStack,
  newestFirst,
  outputs,
  stackEvents,
  stackRef,
} from "../../support/cloudformation-fixtures.js";
import { deploymentsWorld } from "./support.js";

/**
 * The same use cases with the CloudFormation adapter instead of the local one: CloudFormation's
 * answers are scripted (shaped like the real API), everything else is real (dynalite, compiler).
 */
const cfn = mockClient(CloudFormationClient);
let world: Awaited<ReturnType<typeof deploymentsWorld>>;
beforeAll(async () => {
  world = await deploymentsWorld();
  world.ctx.deployer = new CloudFormationDeployer({
    client: new CloudFormationClient({ region: "eu-west-1" }),
    sleep: async () => {},
  });
  world.ctx.settings = {
    ...world.ctx.settings,
    region: "eu-west-1",
    reconcileAfterMs: 0,
    parameterFallback: undefined,
  };
  await world.postConfig("resources:\n  orders:\n    type: event-bus\n");
});
afterAll(() => {
  cfn.restore();
  world.close();
});

const SHOP = stackRef("retail--shop--prod", "11111111-2222-3333-4444-555555555555");
const STACK_ID = SHOP.StackId;
const busEvent = stackEvents(SHOP, "AWS::Events::EventBus");
const BUS_ARN = "arn:aws:events:eu-west-1:123456789012:event-bus/retail--shop--prod-orders";

describe("deploying through CloudFormation", () => {
  it("starts a change set, stays IN_PROGRESS while the stack works, then records status, events and outputs", async () => {
    acceptNewStack(cfn, SHOP);

    const started = await deploy(world.ctx, { project: "shop", stage: "prod", actor: "key_ci" });
    expect(started).toMatchObject({
      status: "IN_PROGRESS",
      stackId: STACK_ID,
      stackName: "retail--shop--prod",
    });
    const create = cfn.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(create.ChangeSetName).toBe(started.token);
    expect(JSON.parse(create.TemplateBody!).Outputs.OrdersArn).toBeDefined();

    // Numbered e1, e2, ...: the IDs the deployment's copy of the events is checked against below.
    const event = (logicalId: string, status: ResourceStatus, n: number) =>
      busEvent(logicalId, status, started.token, { EventId: `e${n}` });
    const running = [
      event("retail--shop--prod", "CREATE_IN_PROGRESS", 1),
      event("OrdersEventBus", "CREATE_IN_PROGRESS", 2),
    ];
    cfn.on(DescribeStacksCommand).resolves(describedStack(SHOP, "CREATE_IN_PROGRESS"));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(running));
    expect(await readDeployment(world.ctx, started.id)).toMatchObject({
      status: "IN_PROGRESS",
      stackStatus: "CREATE_IN_PROGRESS",
    });

    const finished = [
      ...running,
      event("OrdersEventBus", "CREATE_COMPLETE", 3),
      event("retail--shop--prod", "CREATE_COMPLETE", 4),
    ];
    cfn
      .on(DescribeStacksCommand)
      .resolves(describedStack(SHOP, "CREATE_COMPLETE", { Outputs: outputs({ OrdersArn: BUS_ARN }) }));
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(finished));
    const stage = await readStage(world.ctx, "shop", "prod");
    expect(stage).toMatchObject({ status: "DEPLOYED", deployedConfigVersion: 1, stackId: STACK_ID });
    expect(stage?.outputs).toEqual({ orders: { arn: BUS_ARN } });
    expect(await world.ctx.deployments.get(started.id)).toMatchObject({
      status: "SUCCEEDED",
      stackStatus: "CREATE_COMPLETE",
    });
    // Each stack event copied once, in order, although two reconciles read overlapping pages.
    expect((await world.ctx.deployments.events("shop", started.id)).map((e) => e.id)).toEqual([
      "e1",
      "e2",
      "e3",
      "e4",
    ]);
    expect(await world.ctx.locks.get("shop", "prod")).toBeUndefined();
  });
});
