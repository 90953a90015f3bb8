import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  type ResourceStatus,
  type StackEvent,
  type StackStatus,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloudFormationDeployer } from "../../api/aws/cloudformation.js";
import { createKey, createTeam, jsonRequest } from "../support/auth.js";
import {
  changeSetNotFound,
  createdChangeSet,
  describedChangeSet,
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
} from "../support/cloudformation-fixtures.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { createProject, postConfig } from "./deployments-support.js";

/**
 * POST .../continue-rollback on the Lambda's composition: the CloudFormation adapter over a mocked
 * client whose answers are shaped like CloudFormation's. The stack is driven through the API into
 * UPDATE_ROLLBACK_FAILED (a deployment whose update could not be rolled back), then continued.
 */
/** Team retail's namespace is its name, so its stage prod of project orders is this stack. */
const ORDERS = stackRef("retail--orders--prod");
const { StackName: STACK, StackId: STACK_ID } = ORDERS;
const BUS_ARN = "arn:aws:events:eu-west-1:123456789012:event-bus/retail--orders--prod-ordersBus";
const STAGE = "/v1/projects/orders/stages/prod";

/** What DescribeStacks and DescribeStackEvents answer; each test moves it as CloudFormation would. */
const cloud = { status: undefined as StackStatus | undefined, events: [] as StackEvent[] };
const event = stackEvents(ORDERS, "AWS::Events::EventBus");
/** The bus's physical ID: the name the compiler gives it. */
const BUS_NAME = "retail--orders--prod-ordersBus";
function emit(logicalId: string, status: ResourceStatus | StackStatus, token: string, reason?: string): void {
  cloud.events.push(
    event(logicalId, status, token, {
      ...(logicalId === STACK ? {} : { PhysicalResourceId: BUS_NAME }),
      ...(reason ? { ResourceStatusReason: reason } : {}),
    }),
  );
}
const stackEnds = (status: StackStatus, token: string, reason?: string) => {
  emit(STACK, status, token, reason);
  cloud.status = status;
};

const cfn = mockClient(CloudFormationClient);
let server: TestServer;
/** The deployment that created the stack: what the stage runs once the rollback is continued. */
let created: { id: string; token: string };
const keys = {} as Record<"viewer" | "deployer" | "maintainer" | "otherAdmin", string>;

beforeAll(async () => {
  cfn.on(DescribeStacksCommand).callsFake(() => {
    if (!cloud.status) throw stackDoesNotExist(STACK);
    return describedStack(ORDERS, cloud.status, {
      CreationTime: new Date("2026-11-26T12:00:00Z"),
      RoleARN: ROLE_ARN,
      Outputs: outputs({ OrdersBusArn: BUS_ARN }),
    });
  });
  cfn.on(DescribeStackEventsCommand).callsFake(() => newestFirst(cloud.events));
  const changeSets = new Set<string>();
  cfn.on(CreateChangeSetCommand).callsFake((input) => {
    changeSets.add(input.ChangeSetName);
    return createdChangeSet(ORDERS, input.ChangeSetName);
  });
  cfn.on(DescribeChangeSetCommand).callsFake((input) => {
    if (!changeSets.has(input.ChangeSetName)) throw changeSetNotFound(input.ChangeSetName);
    return describedChangeSet(ORDERS, input.ChangeSetName, "CREATE_COMPLETE", "AVAILABLE");
  });
  cfn.on(ExecuteChangeSetCommand).resolves(meta);
  cfn.on(ListStackResourcesCommand).resolves(
    listedResources([
      resourceSummary("OrdersBusEventBus", "AWS::Events::EventBus", "UPDATE_FAILED", {
        PhysicalResourceId: BUS_NAME,
        ResourceStatusReason: "Access denied for operation 'events:UpdateEventBus'.",
      }),
    ]),
  );
  cfn.on(ContinueUpdateRollbackCommand).resolves(meta);

  server = await startTestServer({
    deployer: new CloudFormationDeployer({
      client: new CloudFormationClient({ region: "eu-west-1" }),
      roleArn: ROLE_ARN,
      pollMs: 1,
      sleep: async () => {},
    }),
    // Every read of a running deployment reconciles it with the (mocked) stack.
    deploymentSettings: { region: "eu-west-1", reconcileAfterMs: 0 },
  });
  const team = await createTeam(server, "retail");
  for (const role of ["viewer", "deployer", "maintainer"] as const)
    keys[role] = await createKey(server, team, role);
  keys.otherAdmin = await createKey(server, await createTeam(server), "admin");
  await createProject(server, team, "orders");
  await postConfig(server, keys.maintainer, "orders", "resources:\n  ordersBus:\n    type: event-bus\n");
  await postConfig(
    server,
    keys.maintainer,
    "orders",
    "resources:\n  ordersBus:\n    type: event-bus\n    properties:\n      archivation:\n        enabled: true\n",
  );

  // Version 1 creates the stack; version 2's update fails and so does its rollback.
  const v1 = await deploy(1);
  created = v1;
  emit(STACK, "CREATE_IN_PROGRESS", v1.token, "User Initiated");
  emit("OrdersBusEventBus", "CREATE_COMPLETE", v1.token);
  stackEnds("CREATE_COMPLETE", v1.token);
  expect((await settled(v1.id)).status).toBe("SUCCEEDED");
  const v2 = await deploy(2);
  emit(STACK, "UPDATE_IN_PROGRESS", v2.token, "User Initiated");
  emit(
    "OrdersBusEventBus",
    "UPDATE_FAILED",
    v2.token,
    "Access denied for operation 'events:UpdateEventBus'.",
  );
  emit(
    STACK,
    "UPDATE_ROLLBACK_IN_PROGRESS",
    v2.token,
    "The following resource(s) failed to update: [OrdersBusEventBus].",
  );
  emit(
    "OrdersBusEventBus",
    "UPDATE_FAILED",
    v2.token,
    "Access denied for operation 'events:UpdateEventBus'.",
  );
  stackEnds(
    "UPDATE_ROLLBACK_FAILED",
    v2.token,
    "The following resource(s) failed to update: [OrdersBusEventBus].",
  );
  expect((await settled(v2.id)).status).toBe("FAILED");
});
afterAll(async () => {
  await server.close();
  cfn.restore();
});

async function deploy(configVersion: number): Promise<{ id: string; token: string }> {
  const res = await server.fetch(
    `${STAGE}/deployments`,
    jsonRequest(keys.maintainer, "POST", { configVersion }),
  );
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = await bodyOf(res);
  return { id, token: `sy-${id}` };
}

async function settled(id: string): Promise<Record<string, any>> {
  const res = await server.fetch(`/v1/deployments/${id}`, jsonRequest(keys.viewer, "GET"));
  expect(res.status).toBe(200);
  return bodyOf(res);
}

const stage = async () => bodyOf(await server.fetch(STAGE, jsonRequest(keys.viewer, "GET")));
const deploymentCount = async () =>
  (await bodyOf(await server.fetch(`${STAGE}/deployments`, jsonRequest(keys.viewer, "GET")))).items.length;
const continueRollback = (key: string, body?: unknown, headers: Record<string, string> = {}) => {
  const init = jsonRequest(key, "POST", body);
  return server.fetch(`${STAGE}/continue-rollback`, {
    ...init,
    headers: { ...(init.headers as object), ...headers },
  });
};

describe("POST /v1/projects/{project}/stages/{stage}/continue-rollback", () => {
  it("starts from a stage that needs action because its rollback failed", async () => {
    const before = await stage();
    expect(before.status).toBe("FAILED");
    expect(before.needsAction).toMatch(/^UPDATE_ROLLBACK_FAILED: /);
  });

  it("is for maintainers and admins of the project's team: 403 below, 404 to another team", async () => {
    expect((await continueRollback(keys.viewer)).status).toBe(403);
    expect((await continueRollback(keys.deployer)).status).toBe(403);
    const other = await continueRollback(keys.otherAdmin);
    expect(other.status).toBe(404);
    expect((await bodyOf(other)).type).toBe("https://switchyard.dev/problems/not-found");
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(0);
  });

  it("answers 422 resources-not-skippable for a resource not in UPDATE_FAILED, and leaves no deployment", async () => {
    const count = await deploymentCount();
    const res = await continueRollback(keys.maintainer, { resourcesToSkip: ["OrdersBusArchive"] });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await bodyOf(res);
    expect(problem.type).toBe("https://switchyard.dev/problems/resources-not-skippable");
    expect(problem.detail).toContain("OrdersBusArchive is not a resource of the stack");
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(0);
    expect(await deploymentCount()).toBe(count);
    const after = await stage();
    expect(after).toMatchObject({
      status: "FAILED",
      needsAction: expect.stringMatching(/^UPDATE_ROLLBACK_FAILED/),
    });
    expect(after.currentDeploymentId).toBeUndefined();
  });

  it("records a call CloudFormation failed as a FAILED deployment, and the stage still needs action", async () => {
    cfn
      .on(ContinueUpdateRollbackCommand)
      .rejectsOnce(
        serviceError(
          "AccessDenied",
          `User: arn:aws:sts::123456789012:assumed-role/Switchyard-Api/switchyard-api is not authorized to perform: cloudformation:ContinueUpdateRollback on resource: ${STACK_ID}`,
          403,
        ),
      );
    const res = await continueRollback(keys.maintainer);
    expect(res.status).toBe(202);
    const failed = await bodyOf(res);
    expect(failed).toMatchObject({ kind: "continue-rollback", status: "FAILED" });
    expect(failed.reason).toContain("not authorized to perform: cloudformation:ContinueUpdateRollback");
    const after = await stage();
    expect(after).toMatchObject({
      status: "FAILED",
      needsAction: expect.stringMatching(/^UPDATE_ROLLBACK_FAILED/),
    });
    expect(after.currentDeploymentId).toBeUndefined();
  });

  it("continues the rollback (202, idempotent per key), holds the stage, and ends SUCCEEDED with needsAction cleared", async () => {
    const res = await continueRollback(
      keys.maintainer,
      { resourcesToSkip: ["OrdersBusEventBus"] },
      {
        "idempotency-key": "continue-1",
      },
    );
    expect(res.status, await res.clone().text()).toBe(202);
    const accepted = await bodyOf(res);
    expect(res.headers.get("location")).toBe(`/v1/deployments/${accepted.id}`);
    expect(accepted).toMatchObject({
      kind: "continue-rollback",
      status: "IN_PROGRESS",
      configVersion: 1,
      stackId: STACK_ID,
    });
    const token = `sy-${accepted.id}`;
    const calls = cfn.commandCalls(ContinueUpdateRollbackCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input).toEqual({
      StackName: STACK_ID,
      ClientRequestToken: token,
      RoleARN: ROLE_ARN,
      ResourcesToSkip: ["OrdersBusEventBus"],
    });

    const replay = await continueRollback(
      keys.maintainer,
      { resourcesToSkip: ["OrdersBusEventBus"] },
      {
        "idempotency-key": "continue-1",
      },
    );
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await bodyOf(replay)).id).toBe(accepted.id);
    const busy = await continueRollback(keys.maintainer);
    expect(busy.status).toBe(409);
    expect((await bodyOf(busy)).runningDeploymentId).toBe(accepted.id);
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(2);

    emit(STACK, "UPDATE_ROLLBACK_IN_PROGRESS", token, "User Initiated");
    cloud.status = "UPDATE_ROLLBACK_IN_PROGRESS";
    expect((await settled(accepted.id)).status).toBe("IN_PROGRESS");
    emit("OrdersBusEventBus", "UPDATE_COMPLETE", token);
    emit(STACK, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", token);
    stackEnds("UPDATE_ROLLBACK_COMPLETE", token);

    const done = await settled(accepted.id);
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      stackStatus: "UPDATE_ROLLBACK_COMPLETE",
      kind: "continue-rollback",
    });
    expect(done.events.map((e: { status: string }) => e.status)).toEqual([
      "UPDATE_ROLLBACK_IN_PROGRESS",
      "UPDATE_COMPLETE",
      "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
      "UPDATE_ROLLBACK_COMPLETE",
    ]);
    const after = await stage();
    expect(after).toMatchObject({
      status: "DEPLOYED",
      deployed: true,
      deployedConfigVersion: 1,
      // Still the deployment whose template the stack runs (what a later rollback starts from).
      lastSucceededDeploymentId: created.id,
      outputs: { ordersBus: { arn: BUS_ARN } },
    });
    expect(after.needsAction).toBeUndefined();
    expect(after.currentDeploymentId).toBeUndefined();
    expect(after.lastDeployment).toMatchObject({ id: accepted.id, status: "SUCCEEDED" });
  });

  it("answers 409 nothing-to-continue once the stack is healthy, without calling CloudFormation", async () => {
    const count = await deploymentCount();
    const res = await continueRollback(keys.maintainer);
    expect(res.status).toBe(409);
    const problem = await bodyOf(res);
    expect(problem).toMatchObject({
      type: "https://switchyard.dev/problems/nothing-to-continue",
      title: "Nothing to continue",
      status: 409,
      detail:
        "Stack retail--orders--prod is in UPDATE_ROLLBACK_COMPLETE, not UPDATE_ROLLBACK_FAILED: there is no failed rollback to continue.",
    });
    expect(cfn.commandCalls(ContinueUpdateRollbackCommand)).toHaveLength(2);
    expect(await deploymentCount()).toBe(count);
    expect(await stage()).toMatchObject({ status: "DEPLOYED" });
  });

  it("answers 404 for a stage that does not exist", async () => {
    const res = await server.fetch(
      "/v1/projects/orders/stages/nope/continue-rollback",
      jsonRequest(keys.maintainer, "POST"),
    );
    expect(res.status).toBe(404);
  });
});
