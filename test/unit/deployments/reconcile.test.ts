import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcile } from "../../../api/deployments/reconcile.js";
import { handleStackStatusChange } from "../../../api/deployments/stack-events.js";
import { deploy, readStage } from "../../../api/deployments/use-cases.js";
import type { AppDeps } from "../../../api/deps.js";
import { silentLogger } from "../../../api/http/logger.js";
import { createStore } from "../../../api/store/index.js";
import { deploymentsWorld } from "./support.js";

let world: Awaited<ReturnType<typeof deploymentsWorld>>;
beforeAll(async () => {
  world = await deploymentsWorld();
  await world.postConfig("resources:\n  orders:\n    type: event-bus\n");
});
afterAll(() => world.close());

describe("reconcile", () => {
  it("moves a deployment to its terminal status once, and running it again changes nothing", async () => {
    const started = await deploy(world.ctx, { project: "shop", stage: "dev", actor: "key_test" });
    expect(started.status).toBe("IN_PROGRESS");
    expect(await world.ctx.locks.get("shop", "dev")).toMatchObject({ owner: started.id });
    await world.deployer.idle();

    const first = await reconcile(world.ctx, started);
    expect(first).toMatchObject({ status: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
    const eventsAfterFirst = await world.ctx.deployments.events("shop", started.id);
    expect(eventsAfterFirst.length).toBeGreaterThan(2);
    const stageAfterFirst = await world.ctx.stages.get("shop", "dev");
    expect(stageAfterFirst).toMatchObject({ status: "DEPLOYED", deployedConfigVersion: 1, deployed: true });
    expect(stageAfterFirst?.outputs.orders?.arn).toBe(
      "arn:aws:events:us-east-1:000000000000:event-bus/retail--shop--dev-orders",
    );
    expect(await world.ctx.locks.get("shop", "dev")).toBeUndefined();

    // Twice, and from the stale copy read before: same deployment, same events, same stage.
    const second = await reconcile(world.ctx, started);
    expect(second).toEqual(first);
    expect(await reconcile(world.ctx, first)).toEqual(first);
    expect(await world.ctx.deployments.events("shop", started.id)).toEqual(eventsAfterFirst);
    const { updatedAt: _u, ...stageNow } = (await world.ctx.stages.get("shop", "dev"))!;
    const { updatedAt: _v, ...stageBefore } = stageAfterFirst!;
    expect(stageNow).toEqual(stageBefore);
  });

  it("cancels a deployment whose stack operation never started, once the grace period has passed", async () => {
    const now = world.ctx.now();
    const orphan = {
      id: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S",
      project: "shop",
      stage: "qa",
      kind: "deploy" as const,
      status: "PENDING" as const,
      configVersion: 1,
      stackName: "shop-qa",
      token: "sy-01JD5Z3M9X2Q8R7T6Y5W4V3Q2S",
      createdAt: now.toISOString(),
      createdBy: "key_test",
      updatedAt: now.toISOString(),
    };
    await world.ctx.deployments.createLocked(
      orphan,
      world.ctx.locks.acquirePut("shop", "qa", orphan.id, now, 60_000),
    );
    expect(await reconcile(world.ctx, orphan)).toMatchObject({ status: "PENDING" });
    world.advance(world.ctx.settings.pendingGraceMs + 1);
    const cancelled = await reconcile(world.ctx, orphan);
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.reason).toMatch(/stopped before the stack operation started/);
    expect(await world.ctx.locks.get("shop", "qa")).toBeUndefined();
  });

  it("is driven in AWS by CloudFormation's Stack Status Change events, matched by client-request-token", async () => {
    await world.postConfig(
      "resources:\n  orders:\n    type: event-bus\n    properties:\n      archivation: { enabled: true }\n",
    );
    const started = await deploy(world.ctx, { project: "shop", stage: "dev", actor: "key_test" });
    await world.deployer.idle();
    const deps = {
      table: world.table,
      store: createStore(world.table),
      deployer: world.deployer,
      log: silentLogger,
      now: world.ctx.now,
    } as AppDeps;
    const event = {
      version: "0",
      source: "aws.cloudformation",
      "detail-type": "CloudFormation Stack Status Change",
      account: "000000000000",
      region: "us-east-1",
      resources: [started.stackId],
      detail: {
        "stack-id": started.stackId,
        "status-details": { status: "UPDATE_COMPLETE", "status-reason": "" },
        "client-request-token": started.token,
      },
    };
    expect(await handleStackStatusChange(deps, event)).toEqual({ deploymentStatus: "SUCCEEDED" });
    expect((await world.ctx.stages.get("shop", "dev"))?.outputs.orders?.archiveArn).toMatch(/:archive\//);
    // Operations Switchyard did not start, and other event types, are ignored.
    expect(
      await handleStackStatusChange(deps, {
        ...event,
        detail: { ...event.detail, "client-request-token": "Console-x" },
      }),
    ).toEqual({});
    expect(await handleStackStatusChange(deps, { ...event, "detail-type": "Other" })).toEqual({});
  });
});

describe("a stage left behind by a process that stopped mid-finish", () => {
  it("is repaired from the ended deployment on the next read", async () => {
    await world.postConfig("resources:\n  audit:\n    type: event-bus\n");
    const started = await deploy(world.ctx, { project: "shop", stage: "repair", actor: "key_test" });
    await world.deployer.idle();
    // The deployment record says SUCCEEDED, the stage was never told.
    await world.ctx.deployments.update(started, {
      status: "SUCCEEDED",
      finishedAt: world.ctx.now().toISOString(),
    });
    expect(await world.ctx.stages.get("shop", "repair")).toMatchObject({
      status: "DEPLOYING",
      currentDeploymentId: started.id,
    });
    const stage = await readStage(world.ctx, "shop", "repair");
    expect(stage).toMatchObject({ status: "DEPLOYED", lastSucceededDeploymentId: started.id });
    expect(stage?.currentDeploymentId).toBeUndefined();
    expect(stage?.outputs.audit?.arn).toBe(
      "arn:aws:events:us-east-1:000000000000:event-bus/retail--shop--repair-audit",
    );
    expect(await world.ctx.locks.get("shop", "repair")).toBeUndefined();
  });
});
