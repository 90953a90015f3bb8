import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiled, fixture, localWorld } from "./support.js";

let world: Awaited<ReturnType<typeof localWorld>>;
let seedBusArn: string | undefined;
beforeAll(async () => {
  world = await localWorld();
});
afterAll(() => world.close());

const BUS_ONLY = `
resources:
  orders:
    type: event-bus
`;
const BUS_ARCHIVED = `
resources:
  orders:
    type: event-bus
    properties:
      archivation: { enabled: true, retentionDays: 7 }
`;

async function run(stackName: string, yaml: string, token: string, project = "shop") {
  const { template, parameters } = compiled(yaml, project);
  const started = await world.deployer.start({ stackName, template, parameters, token });
  await world.deployer.idle();
  return { started, status: await world.deployer.describe({ stackName, token }) };
}

describe("local deployer applying compiled templates", () => {
  it("creates a bus in the engine and outputs its ARN in account 000000000000", async () => {
    const { started, status } = await run("shop-dev", BUS_ONLY, "t-create");
    expect(started.kind).toBe("started");
    expect(status.phase).toBe("SUCCEEDED");
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
    expect(status.outputs.OrdersArn).toBe("arn:aws:events:us-east-1:000000000000:event-bus/shop-dev-orders");
    const bus = await world.engine.describeEventBus({ Name: "shop-dev-orders" });
    expect(bus.Arn).toBe(status.outputs.OrdersArn);
    expect(status.events.map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      "shop-dev:CREATE_IN_PROGRESS",
      "OrdersEventBus:CREATE_IN_PROGRESS",
      "OrdersEventBus:CREATE_COMPLETE",
      "shop-dev:CREATE_COMPLETE",
    ]);
  });

  it("treats the same template again as a no-op", async () => {
    const { template, parameters } = compiled(BUS_ONLY);
    const again = await world.deployer.start({
      stackName: "shop-dev",
      template,
      parameters,
      token: "t-again",
    });
    expect(again.kind).toBe("noop");
  });

  it("adds an archive on update and removes it again", async () => {
    const added = await run("shop-dev", BUS_ARCHIVED, "t-archive");
    expect(added.status.stackStatus).toBe("UPDATE_COMPLETE");
    const archiveArn = added.status.outputs.OrdersArchiveArn;
    expect(archiveArn).toMatch(/^arn:aws:events:us-east-1:000000000000:archive\//);
    const archiveName = archiveArn!.split("/").pop()!;
    expect((await world.engine.describeArchive({ ArchiveName: archiveName })).RetentionDays).toBe(7);

    const removed = await run("shop-dev", BUS_ONLY, "t-unarchive");
    expect(removed.status.stackStatus).toBe("UPDATE_COMPLETE");
    expect(removed.status.outputs.OrdersArchiveArn).toBeUndefined();
    expect(removed.status.events.map((e) => `${e.logicalId}:${e.status}`)).toContain(
      "OrdersArchive:DELETE_COMPLETE",
    );
    await expect(world.engine.describeArchive({ ArchiveName: archiveName })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("applies the seed example: bus, function, batch job, rule with its target", async () => {
    const { status } = await run("shop-seed", fixture("seed"), "t-seed");
    expect(status.reason).toBeUndefined();
    expect(status.phase).toBe("SUCCEEDED");
    const busArn = status.outputs.MyEventBusArn;
    seedBusArn = busArn;
    expect(busArn).toMatch(/^arn:aws:events:us-east-1:000000000000:event-bus\//);
    const rules = await world.engine.listRules({ EventBusName: busArn!.split("/").pop() });
    expect(rules.Rules).toHaveLength(1);
    const targets = await world.engine.listTargetsByRule({
      Rule: rules.Rules![0]!.Name!,
      EventBusName: busArn,
    });
    expect(targets.Targets?.[0]?.Arn).toMatch(/^arn:aws:/);
  });

  it("tears the stack down, deleting what it created in the engine", async () => {
    const started = await world.deployer.teardown({ stackName: "shop-seed", token: "t-seed-down" });
    expect(started.kind).toBe("started");
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "shop-seed", token: "t-seed-down" });
    expect(status).toMatchObject({ phase: "SUCCEEDED", stackStatus: "DELETE_COMPLETE", outputs: {} });
    expect(seedBusArn).toBeDefined();
    await expect(world.engine.describeEventBus({ Name: seedBusArn!.split("/").pop() })).rejects.toMatchObject(
      {
        name: "ResourceNotFoundException",
      },
    );
    expect((await world.deployer.teardown({ stackName: "shop-seed", token: "t-again" })).kind).toBe("noop");
  });
});

describe("every compiler fixture applies locally and tears down cleanly", () => {
  /**
   * Two fixtures refer to things outside the stack on purpose, and fail locally exactly where
   * CloudFormation would fail without them: another stack's export, and a bus of another account.
   */
  const EXTERNAL: Record<string, RegExp> = {
    function: /^ApiFunction: No export named platform-prod-TopicArn found/,
    subscriptions: /^ConsumerEvent1Rule: ResourceNotFoundException: .*shared/,
  };
  const names = readdirSync("test/fixtures/configs")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));

  it.each(names)("%s", async (name) => {
    // Each fixture as its own project: the physical names (buses, rules) must not collide.
    const project = `fx${names.indexOf(name)}`;
    const stackName = `${project}-dev`;
    const { status } = await run(stackName, fixture(name), `${project}-create`, project);
    const external = EXTERNAL[name];
    if (external) {
      expect(status).toMatchObject({ phase: "FAILED", stackStatus: "ROLLBACK_COMPLETE" });
      expect(status.reason).toMatch(external);
      return;
    }
    expect(status.reason).toBeUndefined();
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
    await world.deployer.teardown({ stackName, token: `${project}-delete` });
    await world.deployer.idle();
    const down = await world.deployer.describe({ stackName, token: `${project}-delete` });
    expect(down.reason).toBeUndefined();
    expect(down.stackStatus).toBe("DELETE_COMPLETE");
  });
});
