/**
 * In AWS, stacks are `<prefix><ns>--<project>--<stage>` in their team's namespace, with the boundary
 * on every role (infra/ scopes the deploy role to both); stacks from before namespaces keep
 * `<prefix><project>-<stage>`. CloudFormation's status events are mapped back to the stage by name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../api/config/index.js";
import { prepareTemplate } from "../../../api/deployments/compile-version.js";
import { deploymentsContext } from "../../../api/deployments/index.js";
import { stackNameOfId, stagesOfStack } from "../../../api/deployments/names.js";
import { localPlaceholder } from "../../../api/deployments/parameters.js";
import { handleStackStatusChange } from "../../../api/deployments/stack-events.js";
import { deploy } from "../../../api/deployments/use-cases.js";
import type { AppDeps } from "../../../api/deps.js";
import { DomainError } from "../../../api/errors.js";
import { silentLogger } from "../../../api/http/logger.js";
import { createStore } from "../../../api/store/index.js";
import { deploymentsWorld } from "./support.js";

const BOUNDARY = "arn:aws:iam::000000000000:policy/Switchyard-WorkloadBoundary";

let world: Awaited<ReturnType<typeof deploymentsWorld>>;
let deps: AppDeps;
beforeAll(async () => {
  world = await deploymentsWorld();
  deps = {
    table: world.table,
    store: createStore(world.table),
    deployer: world.deployer,
    log: silentLogger,
    now: world.ctx.now,
    // As api/entry/lambda.ts reads them from AWS_REGION, SWITCHYARD_STACK_PREFIX and SWITCHYARD_PERMISSIONS_BOUNDARY_ARN.
    deploymentSettings: {
      region: "us-east-1",
      stackPrefix: "sy-",
      permissionsBoundary: BOUNDARY,
      parameterFallback: localPlaceholder,
    },
  };
});
afterAll(() => world.close());

describe("stack names mapped back to stages", () => {
  it("strip the prefix and offer every <project>-<stage> split with a valid stage name", () => {
    expect(stagesOfStack("sy-shop-eu-dev", "sy-")).toEqual([
      { project: "shop", stage: "eu-dev" },
      { project: "shop-eu", stage: "dev" },
    ]);
    expect(stagesOfStack("shop-dev")).toEqual([{ project: "shop", stage: "dev" }]);
    // Not ours: another prefix, or a stage name no stage can have.
    expect(stagesOfStack("other-shop-dev", "sy-")).toEqual([]);
    expect(stagesOfStack("sy-shop-d", "sy-")).toEqual([]);
    expect(stackNameOfId("arn:aws:cloudformation:eu-west-1:123456789012:stack/sy-shop-dev/0a1b-2c3d")).toBe(
      "sy-shop-dev",
    );
  });
});

describe("stack names", () => {
  it("are the team's namespace, project and stage joined by --, so two projects never map to one", async () => {
    await world.postConfig("resources:\n  orders:\n    type: event-bus\n");
    const loaded = loadConfig("resources:\n  ledger:\n    type: event-bus\n");
    if (!loaded.ok) throw new Error("fixture config");
    const store = createStore(world.table);
    const other = await store.projects.create({
      name: "shop-prod",
      team: "retail",
      createdAt: world.ctx.now().toISOString(),
      createdBy: "key_other",
    });
    await store.configs.put({
      project: other.key,
      version: 1,
      format: "yaml",
      source: "resources:\n  ledger:\n    type: event-bus\n",
      config: loaded.config,
      contentHash: "ledger-1",
      warnings: [],
      createdAt: world.ctx.now().toISOString(),
      createdBy: { keyId: "key_other", name: "other" },
    });
    const ctx = deploymentsContext(deps);
    expect((await prepareTemplate(ctx, { project: "shop", stage: "prod-eu" })).stackName).toBe(
      "sy-retail--shop--prod-eu",
    );
    expect((await prepareTemplate(ctx, { project: other.key, stage: "eu" })).stackName).toBe(
      "sy-retail--shop-prod--eu",
    );
  });

  it("of a stage deployed before namespaces stay as they were until the stack is torn down", async () => {
    await world.postConfig("resources:\n  orders:\n    type: event-bus\n");
    const ctx = deploymentsContext(deps);
    // As an earlier version left it: the stack claimed and deployed under the legacy name.
    await ctx.stackClaims.claim("sy-shop-legacy", { project: "shop", stage: "legacy" }, ctx.now());
    await ctx.stages.save(
      "shop",
      "legacy",
      { stackName: "sy-shop-legacy", status: "DEPLOYED", deployed: true },
      ctx.now(),
    );
    const kept = await prepareTemplate(ctx, { project: "shop", stage: "legacy" });
    expect(kept.stackName).toBe("sy-shop-legacy");
    expect(kept.template.Resources.OrdersEventBus?.Properties?.Name).toBe("sy-shop-legacy-orders");
    // Torn down: the next stack is the team's.
    await ctx.stages.save("shop", "legacy", { status: "DELETED", deployed: false }, ctx.now());
    expect((await prepareTemplate(ctx, { project: "shop", stage: "legacy" })).stackName).toBe(
      "sy-retail--shop--legacy",
    );
  });

  it("still belong to the first stage that claims them; another is refused without naming the owner", async () => {
    const ctx = deploymentsContext(deps);
    await ctx.stackClaims.claim("sy-retail--shop--taken", { project: "elsewhere", stage: "x" }, ctx.now());
    const refused = await prepareTemplate(ctx, { project: "shop", stage: "taken" }).catch((e) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: "stack-name-taken" });
    expect(refused.detail).toContain("sy-retail--shop--taken");
    expect(refused.detail).not.toContain("elsewhere");
  });
});

describe("a deployment under the prefix and boundary", () => {
  it("compiles every name with the prefix and every role with the boundary", async () => {
    await world.postConfig(
      [
        "resources:",
        "  orders:",
        "    type: event-bus",
        "  billing:",
        "    type: function",
        "    properties:",
        "      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/billing.ts } }",
        "      events:",
        "        - type: event-bus",
        "          properties: { eventBusName: orders, eventPattern: { source: [shop] } }",
      ].join("\n"),
    );
    const prepared = await prepareTemplate(deploymentsContext(deps), { project: "shop", stage: "prod" });
    expect(prepared.stackName).toBe("sy-retail--shop--prod");
    const resources = Object.values(prepared.template.Resources) as {
      Type: string;
      Properties: Record<string, unknown>;
    }[];
    const roles = resources.filter((r) => r.Type === "AWS::IAM::Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      expect(role.Properties.PermissionsBoundary).toBe(BOUNDARY);
      expect(role.Properties.RoleName).toMatch(/^sy-retail--shop--prod-/);
    }
    const fn = resources.find((r) => r.Type === "AWS::Lambda::Function")!;
    expect(fn.Properties.FunctionName).toBe("sy-retail--shop--prod-billing");
  });

  it("is reconciled from a status change event that carries no token of ours, by its stack's name", async () => {
    const ctx = deploymentsContext(deps);
    const started = await deploy(ctx, { project: "shop", stage: "live", actor: "key_test" });
    expect(started.stackName).toBe("sy-retail--shop--live");
    await world.deployer.idle();
    const event = (stackId: string | undefined) => ({
      source: "aws.cloudformation",
      "detail-type": "CloudFormation Stack Status Change",
      detail: {
        "stack-id": stackId,
        "status-details": { status: "CREATE_COMPLETE" },
        "client-request-token": "Console-CreateStack-1",
      },
    });
    // Someone else's stack, or one whose name is not a stage of ours: nothing happens.
    const foreign = "arn:aws:cloudformation:us-east-1:000000000000:stack/shop-live/1234";
    expect(await handleStackStatusChange(deps, event(foreign))).toEqual({});
    expect((await ctx.deployments.get(started.id))?.status).toBe("IN_PROGRESS");

    expect(await handleStackStatusChange(deps, event(started.stackId))).toEqual({
      deploymentStatus: "SUCCEEDED",
    });
    expect(await ctx.stages.get("shop", "live")).toMatchObject({
      status: "DEPLOYED",
      stackName: "sy-retail--shop--live",
    });
  });

  it("is refused, with the line in the stored config, when a raw role names another boundary", async () => {
    await world.postConfig(
      [
        "resources:",
        "  orders:",
        "    type: event-bus",
        "cloudformationResources:",
        "  AdminRole:",
        "    Type: AWS::IAM::Role",
        "    Properties:",
        "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }",
        "      PermissionsBoundary: arn:aws:iam::aws:policy/AdministratorAccess",
      ].join("\n"),
    );
    const refused = await prepareTemplate(deploymentsContext(deps), { project: "shop", stage: "prod" }).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused.code).toBe("config-invalid");
    expect(refused.details.errors).toEqual([
      expect.objectContaining({
        path: "cloudformationResources.AdminRole.Properties.PermissionsBoundary",
        line: 9,
        column: 7,
      }),
    ]);
  });
});
