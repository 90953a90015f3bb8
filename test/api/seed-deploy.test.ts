import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../api/compiler/index.js";
import { loadConfig } from "../../api/config/index.js";
import { type LocalServer, startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { LocalStackStore } from "../../api/local/deployer/stack-store.js";
import { poll } from "../support/poll.js";
import { deploySeed, deployToStage, seedConfig } from "../support/seed.js";

/**
 * Issue #9's acceptance on `npm start`'s own composition (startLocal), through HTTP only: the seed
 * example deploys whole, its event reaches the batch job's state machine once; a workload that
 * connectTo's a bus deploys, carrying the bus ARN its code would publish to.
 */
const ADMIN = "sy_seedDeployTestAdminKey00000000000000000000";
let dir: string;
let server: LocalServer;

const call = (p: string, init: RequestInit & { json?: unknown } = {}) => {
  const { json, ...rest } = init;
  return fetch(`${server.url}${p}`, {
    ...rest,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
};
const body = async (res: Response): Promise<any> => res.json();
const admin = () => ({ url: server.url, adminKey: ADMIN });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "switchyard-seed-"));
  server = await startLocal({ port: 0, dataDir: dir, adminKey: ADMIN, log: silentLogger, print: () => {} });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the seed example on npm start", () => {
  it("deploys whole to dev and delivers BUDGET_ANALYSIS once, to the batch job's state machine", async () => {
    const seed = await seedConfig();
    const { deployment, stage } = await deploySeed(admin(), { project: "budget" });
    expect(deployment.reason).toBeUndefined();
    expect(deployment.status).toBe("SUCCEEDED");

    // Whole: every resource the compiler emits was created, the batch job's included.
    const loaded = loadConfig(seed);
    if (!loaded.ok) throw new Error("the seed is valid");
    const expected = Object.keys(
      compile(loaded.config, { project: "budget", stage: "dev" }).template.Resources,
    );
    const created = new Set(
      (deployment.events as { logicalId: string; status: string }[])
        .filter((e) => e.status === "CREATE_COMPLETE")
        .map((e) => e.logicalId),
    );
    expect(expected.filter((id) => !created.has(id))).toEqual([]);
    expect(expected).toEqual(
      expect.arrayContaining([
        "MyConsumerBatchJobComputeEnvironment",
        "MyConsumerBatchJobJobDefinition",
        "MyConsumerBatchJobStateMachine",
      ]),
    );

    const bus = "/v1/projects/budget/stages/dev/buses/myEventBus";
    const publish = async (EventName: string) =>
      body(
        await call(`${bus}/events`, {
          method: "POST",
          json: { entries: [{ source: "budget.publisher", detailType: "budget", detail: { EventName } }] },
        }),
      );
    const budget = await publish("BUDGET_ANALYSIS");
    expect(budget.failedEntryCount).toBe(0);
    expect((await publish("SOMETHING_ELSE")).failedEntryCount).toBe(0);

    const deliveries = await poll(
      async () => (await body(await call(`${bus}/deliveries`))).items as Record<string, string>[],
      (items) => items.length > 0,
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.eventId).toBe(budget.entries[0].eventId);
    expect(deliveries[0]!.targetArn).toBe(stage.outputs.myConsumerBatchJob.stateMachineArn);
    expect(deliveries[0]!.targetArn).toMatch(/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:/);
    expect(JSON.parse(String(deliveries[0]!.input))).toMatchObject({
      source: "budget.publisher",
      detail: { EventName: "BUDGET_ANALYSIS" },
    });
  });
});

describe("a multi-container workload on npm start", () => {
  it("deploys with connectTo: its containers carry the bus ARN, the one its task role may put events on", async () => {
    const fixture = await readFile("test/fixtures/configs/multi-container-workload.yaml", "utf8");
    // A queue subscribed to the bus shows where the workload's events go.
    const yaml = `${fixture}  orderAudit:\n    type: sqs-queue\n    properties:\n      events:\n        - type: event-bus\n          properties: { eventBusName: orderEvents, eventPattern: { source: [orders] } }\n`;
    const { deployment, stage } = await deployToStage(admin(), yaml, { project: "orders" });
    expect(deployment.reason).toBeUndefined();
    expect(deployment.status).toBe("SUCCEEDED");
    const busArn = stage.outputs.orderEvents.arn as string;

    // Recorded like a function: no user code runs, but every property is resolved as AWS would see it.
    expect(stage.stackName).toMatch(/--orders--dev$/);
    const stack = (await new LocalStackStore(server.deps.table).get(stage.stackName))!;
    const containers = stack.resources.OrderServiceTaskDefinition!.properties.ContainerDefinitions as {
      Name: string;
      Environment: { Name: string; Value: string }[];
      Image: string;
    }[];
    for (const container of containers) {
      expect(container.Environment).toContainEqual({ Name: "STP_ORDER_EVENTS_ARN", Value: busArn });
    }
    // The built image is the local placeholder for its artifact; the prebuilt one is as the config names it.
    expect(containers.map((c) => c.Image)).toEqual([
      expect.stringContaining("orderservice.web"),
      "public.ecr.aws/example/metrics:1",
    ]);
    const taskRole = stack.resources.OrderServiceTaskRole!.properties.Policies as {
      PolicyDocument: { Statement: { Action: string[]; Resource: string[] }[] };
    }[];
    expect(taskRole.flatMap((p) => p.PolicyDocument.Statement)).toEqual([
      { Effect: "Allow", Action: ["events:PutEvents"], Resource: [busArn] },
    ]);
    expect(stack.resources.OrderServiceService!.properties.DesiredCount).toBe(2);

    // What the workload's code does with STP_ORDER_EVENTS_ARN: publish; the subscribed queue receives it.
    const bus = "/v1/projects/orders/stages/dev/buses/orderEvents";
    const sent = await body(
      await call(`${bus}/events`, {
        method: "POST",
        json: { entries: [{ source: "orders", detailType: "OrderPlaced", detail: { id: 7 } }] },
      }),
    );
    expect(sent.failedEntryCount).toBe(0);
    const deliveries = await poll(
      async () => (await body(await call(`${bus}/deliveries`))).items as Record<string, string>[],
      (items) => items.length > 0,
    );
    expect(deliveries.map((d) => d.targetArn)).toEqual([stage.outputs.orderAudit.arn]);
  });
});
