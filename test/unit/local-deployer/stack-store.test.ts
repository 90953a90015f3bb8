import { gzipSync } from "node:zlib";
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Template } from "../../../api/deployments/port.js";
import { LocalDeployer } from "../../../api/local/deployer/index.js";
import { LocalStackStore } from "../../../api/local/deployer/stack-store.js";
import { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import type { Table } from "../../../api/store/table.js";
import { createTestTable } from "../../support/dynamo.js";

/**
 * How the local deployer keeps a stack: one item per resource, written as each resource changes
 * (and, for what the engine makes, once more just before), so a process that stops between two
 * resources leaves a record of everything that may exist: the next process rolls an interrupted
 * create back and converges other operations from it. The bytes a deploy writes grow linearly.
 */
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.destroy());

/** A bus and `count` rules on it, each with a target (named, so the engine can be checked by name). */
function busWithRules(stack: string, count: number): Template {
  const resources: Template["Resources"] = {
    Bus: { Type: "AWS::Events::EventBus", Properties: { Name: `${stack}-bus` } },
  };
  for (let i = 0; i < count; i++) {
    resources[`Rule${i}`] = {
      Type: "AWS::Events::Rule",
      Properties: {
        Name: `${stack}-rule-${i}`,
        EventBusName: { Ref: "Bus" },
        EventPattern: { source: ["app"], "detail-type": [`t${i}`] },
        Targets: [{ Id: "t", Arn: "arn:aws:sqs:us-east-1:000000000000:inbox" }],
      },
    };
  }
  return { Resources: resources };
}

/**
 * A table whose client stops answering (every call fails, as after the process died) once the
 * stack has been saved `saves` times: the engine shares it, so nothing happens after that point.
 */
function dyingTable(saves: number): Table {
  let saved = 0;
  const send = async (command: { input: unknown; constructor: { name: string } }) => {
    if (saved >= saves) throw new Error("the process stopped");
    const out = await table.doc.send(command as never);
    if (
      command.constructor.name === "BatchWriteCommand" &&
      JSON.stringify(command.input).includes("LOCALSTACK#")
    )
      saved++;
    return out;
  };
  return { name: table.name, doc: { send } as unknown as DynamoDBDocumentClient };
}

/** A fresh process on the healthy table: a new engine and deployer. */
function restarted() {
  const engine = new LocalEventBridge({ table });
  return { engine, deployer: new LocalDeployer({ engine, table }) };
}

async function ruleNames(engine: LocalEventBridge, bus: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await engine.listRules({ EventBusName: bus, NextToken });
    names.push(...(page.Rules ?? []).map((r) => r.Name!));
    NextToken = page.NextToken;
  } while (NextToken);
  return names.sort();
}

async function stackItems(stackName: string): Promise<Record<string, unknown>[]> {
  const out = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": `LOCALSTACK#${stackName}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

describe("local stack store", () => {
  it("rolls back a create that stopped between two resources, as CloudFormation rolls back a failed create", async () => {
    const template = busWithRules("crash-create", 6);
    // Saves: the operation's start, then per resource a record of what is about to be made and one
    // of what was made: the bus and rule 0 exist when the process stops.
    const dying = dyingTable(5);
    const first = new LocalDeployer({ engine: new LocalEventBridge({ table: dying }), table: dying });
    await first.start({ stackName: "crash-create", template, parameters: {}, token: "c1" });
    await first.idle();
    expect(await ruleNames(new LocalEventBridge({ table }), "crash-create-bus")).toEqual([
      "crash-create-rule-0",
    ]);

    const { engine, deployer } = restarted();
    const interrupted = await deployer.describe({ stackName: "crash-create", token: "c1" });
    expect(interrupted).toMatchObject({
      phase: "FAILED",
      stackStatus: "ROLLBACK_COMPLETE",
      reason: "The local engine stopped while this operation was running.",
    });
    await expect(engine.describeEventBus({ Name: "crash-create-bus" })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });

    // Nothing is left half-made: the next deploy creates the stack afresh.
    await deployer.start({ stackName: "crash-create", template, parameters: {}, token: "c2" });
    await deployer.idle();
    const again = await deployer.describe({ stackName: "crash-create", token: "c2" });
    expect(again).toMatchObject({ phase: "SUCCEEDED", stackStatus: "CREATE_COMPLETE" });
    expect(await ruleNames(engine, "crash-create-bus")).toHaveLength(6);
  });

  it("rolls back what the engine made just before the process stopped, before its record said so", async () => {
    const template = busWithRules("crash-window", 2);
    // The deployer's saves: the operation's start and the bus about to be made; the engine (its own
    // table client) makes the bus, then the process stops before recording it as made.
    const dying = dyingTable(2);
    const first = new LocalDeployer({ engine: new LocalEventBridge({ table }), table: dying });
    await first.start({ stackName: "crash-window", template, parameters: {}, token: "w1" });
    await first.idle();
    const { engine, deployer } = restarted();
    expect((await engine.describeEventBus({ Name: "crash-window-bus" })).Name).toBe("crash-window-bus");

    expect(await deployer.describe({ stackName: "crash-window", token: "w1" })).toMatchObject({
      phase: "FAILED",
      stackStatus: "ROLLBACK_COMPLETE",
    });
    await expect(engine.describeEventBus({ Name: "crash-window-bus" })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });

  it("finishes a teardown that stopped between two resources, deleting what was left", async () => {
    const { engine, deployer } = restarted();
    const template = busWithRules("crash-delete", 5);
    await deployer.start({ stackName: "crash-delete", template, parameters: {}, token: "c1" });
    await deployer.idle();

    // Saves: the teardown's start, rules 4 and 3 deleted; then the process stops.
    const dying = dyingTable(3);
    const stopping = new LocalDeployer({ engine: new LocalEventBridge({ table: dying }), table: dying });
    await stopping.teardown({ stackName: "crash-delete", token: "d1" });
    await stopping.idle();
    expect(await ruleNames(engine, "crash-delete-bus")).toEqual([
      "crash-delete-rule-0",
      "crash-delete-rule-1",
      "crash-delete-rule-2",
    ]);

    const after = restarted();
    expect(await after.deployer.describe({ stackName: "crash-delete", token: "d1" })).toMatchObject({
      phase: "FAILED",
      stackStatus: "DELETE_FAILED",
    });
    await after.deployer.teardown({ stackName: "crash-delete", token: "d2" });
    await after.deployer.idle();
    expect(await after.deployer.describe({ stackName: "crash-delete", token: "d2" })).toMatchObject({
      phase: "SUCCEEDED",
      stackStatus: "DELETE_COMPLETE",
    });
    await expect(after.engine.describeEventBus({ Name: "crash-delete-bus" })).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    // Nothing of the stack's resources is left in the table, only its status and events.
    const left = (await stackItems("crash-delete")).map((i) => String(i.SK).replace(/#.*/, "#"));
    expect(new Set(left)).toEqual(new Set(["EVENT#", "STATE"]));
  });

  it("writes bytes per resource that do not grow with the stack", async () => {
    const writtenPerResource = async (stackName: string, rules: number) => {
      let bytes = 0;
      const send = (command: { input: unknown; constructor: { name: string } }) => {
        const name = command.constructor.name;
        const text = JSON.stringify(command.input, (_k, v) =>
          v instanceof Uint8Array ? "x".repeat(v.length) : v,
        );
        if ((name === "BatchWriteCommand" || name === "PutCommand") && text.includes("LOCALSTACK#"))
          bytes += text.length;
        return table.doc.send(command as never);
      };
      const counting = { name: table.name, doc: { send } as unknown as DynamoDBDocumentClient };
      const deployer = new LocalDeployer({ engine: new LocalEventBridge({ table }), table: counting });
      await deployer.start({
        stackName,
        template: busWithRules(stackName, rules),
        parameters: {},
        token: "c1",
      });
      await deployer.idle();
      expect(await deployer.describe({ stackName, token: "c1" })).toMatchObject({ phase: "SUCCEEDED" });
      return bytes / (rules + 1);
    };
    const small = await writtenPerResource("bytes-small", 10);
    const large = await writtenPerResource("bytes-large", 80);
    // Rewriting the whole stack after each resource made this 1.7 here, growing with the stack.
    expect(large / small).toBeLessThan(1.2);
  });

  it("reads a stack an earlier version stored whole in one item, and moves it to items per resource", async () => {
    const { engine, deployer } = restarted();
    const template = busWithRules("legacy", 2);
    await deployer.start({ stackName: "legacy", template, parameters: {}, token: "c1" });
    await deployer.idle();
    // What the previous version wrote: the whole stack gzipped in STATE, and no other stack items.
    const whole = await new LocalStackStore(table).get("legacy");
    for (const item of await stackItems("legacy")) {
      if (!String(item.SK).startsWith("EVENT#"))
        await table.doc.send(new DeleteCommand({ TableName: table.name, Key: { PK: item.PK, SK: item.SK } }));
    }
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { PK: "LOCALSTACK#legacy", SK: "STATE", stackGz: gzipSync(JSON.stringify(whole)) },
      }),
    );

    const after = restarted();
    expect(await after.deployer.describe({ stackName: "legacy", token: "c1" })).toMatchObject({
      phase: "SUCCEEDED",
      outputs: {},
      stackId: whole?.stackId,
    });
    // Its template came along: the same template again changes nothing.
    expect(await after.deployer.preview({ stackName: "legacy", template, parameters: {} })).toEqual([]);
    await after.deployer.start({
      stackName: "legacy",
      template: busWithRules("legacy", 3),
      parameters: {},
      token: "c2",
    });
    await after.deployer.idle();
    expect(await after.deployer.describe({ stackName: "legacy", token: "c2" })).toMatchObject({
      phase: "SUCCEEDED",
      stackStatus: "UPDATE_COMPLETE",
    });
    const items = await stackItems("legacy");
    const state = items.find((i) => i.SK === "STATE");
    expect(state?.stackGz).toBeUndefined();
    expect(items.filter((i) => String(i.SK).startsWith("RES#")).map((i) => i.SK)).toEqual([
      "RES#Bus",
      "RES#Rule0",
      "RES#Rule1",
      "RES#Rule2",
    ]);
    expect(await ruleNames(engine, "legacy-bus")).toEqual([
      "legacy-rule-0",
      "legacy-rule-1",
      "legacy-rule-2",
    ]);
  });

  it("reads an operation's events without reading the stack's earlier operations' events", async () => {
    const { deployer } = restarted();
    const template = busWithRules("history", 2);
    for (const round of [1, 2, 3]) {
      await deployer.start({ stackName: "history", template, parameters: {}, token: `c${round}` });
      await deployer.idle();
      await deployer.teardown({ stackName: "history", token: `d${round}` });
      await deployer.idle();
    }
    let itemsRead = 0;
    const send = async (command: { input: unknown; constructor: { name: string } }) => {
      const out = (await table.doc.send(command as never)) as { ScannedCount?: number };
      if (command.constructor.name === "QueryCommand") itemsRead += out.ScannedCount ?? 0;
      return out;
    };
    const watched = { name: table.name, doc: { send } as unknown as DynamoDBDocumentClient };
    const reader = new LocalDeployer({ engine: new LocalEventBridge({ table }), table: watched });
    const status = await reader.describe({ stackName: "history", token: "d3" });
    expect(status).toMatchObject({ phase: "SUCCEEDED", stackStatus: "DELETE_COMPLETE" });
    expect(status.events.map((e) => e.status)).toEqual([
      "DELETE_IN_PROGRESS",
      ...Array.from({ length: 3 }, () => ["DELETE_IN_PROGRESS", "DELETE_COMPLETE"]).flat(),
      "DELETE_COMPLETE",
    ]);
    expect(itemsRead).toBe(status.events.length);
  });
});

describe("local stack events", () => {
  it("are kept for the stack's last 20 operations only, and those operations still describe", async () => {
    const { deployer } = restarted();
    // Two templates in turn: every operation changes the stack and records events.
    const templates = [busWithRules("events-kept", 1), busWithRules("events-kept", 2)];
    const tokens: string[] = [];
    for (let i = 0; i < 24; i++) {
      const token = `op${String(i).padStart(2, "0")}`;
      tokens.push(token);
      await deployer.start({ stackName: "events-kept", template: templates[i % 2]!, parameters: {}, token });
      await deployer.idle();
    }
    const events = (await stackItems("events-kept"))
      .filter((i) => String(i.SK).startsWith("EVENT#"))
      .map((i) => (i.event as { token: string }).token);
    expect(new Set(events)).toEqual(new Set(tokens.slice(-20)));
    const last = await deployer.describe({ stackName: "events-kept", token: tokens.at(-1)! });
    expect(last).toMatchObject({ phase: "SUCCEEDED" });
    expect(last.events.length).toBeGreaterThan(0);
    const oldestKept = await deployer.describe({ stackName: "events-kept", token: tokens.at(-20)! });
    expect(oldestKept.events.length).toBeGreaterThan(0);
  });
});
