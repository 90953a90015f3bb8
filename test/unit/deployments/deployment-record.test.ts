import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Template } from "../../../api/deployments/port.js";
import { type Deployment, deploymentRepository, summary } from "../../../api/store/deployments.js";
import { lockRepository } from "../../../api/store/locks.js";
import { stageRepository } from "../../../api/store/stages.js";
import { createTestTable } from "../../support/dynamo.js";

/**
 * A deployment's template, parameters and output map are stored packed; a read unpacks them only
 * when they are used, so polling a deployment of a large stack does not unpack its template.
 */
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.destroy());

const template: Template = {
  Resources: Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [
      `Rule${i}`,
      { Type: "AWS::Events::Rule", Properties: { EventPattern: { "detail-type": [`t${i}`] } } },
    ]),
  ),
};

async function stored(id: string): Promise<Deployment> {
  const deployments = deploymentRepository(table);
  const now = new Date("2026-03-01T12:00:00.000Z");
  const deployment: Deployment = {
    id,
    project: "shop",
    stage: id,
    kind: "deploy",
    status: "PENDING",
    configVersion: 1,
    stackName: `shop-${id}`,
    token: `tok-${id}`,
    createdAt: now.toISOString(),
    createdBy: "key_test",
    updatedAt: now.toISOString(),
    template,
    parameters: { ImageUri: "local" },
    outputMap: { BUS_ARN: { output: "BusArn" } } as unknown as Deployment["outputMap"],
  };
  await deployments.createLocked(deployment, lockRepository(table).acquirePut("shop", id, id, now, 60_000));
  return deployment;
}

const unpacked = (d: Deployment, key: "template" | "parameters" | "outputMap") =>
  Object.getOwnPropertyDescriptor(d, key)?.get === undefined;

describe("deployment records", () => {
  it("reads back the template, parameters and output map as written, unpacking each on first use", async () => {
    const written = await stored("d1");
    const read = (await deploymentRepository(table).get("d1"))!;
    expect(unpacked(read, "template")).toBe(false);
    // The summary a poll answers with leaves them packed.
    const body = summary(read);
    expect(Object.keys(body)).not.toContain("template");
    expect(Object.keys(body)).not.toContain("eventCursor");
    expect(unpacked(read, "template")).toBe(false);

    expect(read).toEqual(written);
    expect(unpacked(read, "template")).toBe(true);
    expect({ ...read }.parameters).toEqual({ ImageUri: "local" });
  });

  it("returns the updated deployment without unpacking its template, which can still be replaced", async () => {
    const written = await stored("d2");
    const repo = deploymentRepository(table);
    const updated = (await repo.update(written, { status: "IN_PROGRESS", eventCursor: "e1" }))!;
    expect(updated.status).toBe("IN_PROGRESS");
    expect(unpacked(updated, "template")).toBe(false);
    updated.template = { Resources: {} };
    expect(updated.template).toEqual({ Resources: {} });
    expect(updated.outputMap).toEqual(written.outputMap);
  });
});

describe("a deployment's events read by cursor", () => {
  const event = (n: number) => ({
    id: `ev-${n}`,
    timestamp: new Date(Date.UTC(2026, 2, 1, 12, 0, n)).toISOString(),
    logicalId: `Rule${n}`,
    resourceType: "AWS::Events::Rule",
    status: "CREATE_COMPLETE",
  });

  it("answers only what was stored after the cursor, and a cursor for the next read", async () => {
    const deployments = deploymentRepository(table);
    const deployment = await stored("cursor");
    await deployments.appendEvents(deployment, [event(1), event(2), event(3)]);
    const first = await deployments.eventsAfter("shop", deployment.id, undefined);
    expect(first.events.map((e) => e.id)).toEqual(["ev-1", "ev-2", "ev-3"]);

    expect(await deployments.eventsAfter("shop", deployment.id, first.cursor)).toEqual({
      events: [],
      cursor: first.cursor,
    });
    await deployments.appendEvents(deployment, [event(4), event(5)]);
    const next = await deployments.eventsAfter("shop", deployment.id, first.cursor);
    expect(next.events.map((e) => e.id)).toEqual(["ev-4", "ev-5"]);
    expect((await deployments.events("shop", deployment.id)).map((e) => e.id)).toEqual([
      "ev-1",
      "ev-2",
      "ev-3",
      "ev-4",
      "ev-5",
    ]);
  });
});

describe("a stage's applied template", () => {
  it("stays packed on reads that do not use it, and lists never carry it", async () => {
    const stages = stageRepository(table);
    const now = new Date("2026-03-01T12:00:00.000Z");
    await stages.save(
      "shop",
      "packed",
      { stackName: "shop-packed", status: "DEPLOYED", deployed: true, appliedTemplate: template },
      now,
    );
    const read = (await stages.get("shop", "packed"))!;
    expect(Object.getOwnPropertyDescriptor(read, "appliedTemplate")?.get).toBeDefined();
    expect(read.status).toBe("DEPLOYED");
    expect(read.appliedTemplate).toEqual(template);
    expect(Object.getOwnPropertyDescriptor(read, "appliedTemplate")?.get).toBeUndefined();
    const listed = (await stages.list("shop")).find((s) => s.stage === "packed")!;
    expect(listed).not.toHaveProperty("appliedTemplate");
    expect(listed).not.toHaveProperty("appliedTemplateJson");
  });
});
