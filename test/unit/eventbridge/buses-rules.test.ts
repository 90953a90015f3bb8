import { beforeAll, describe, expect, it } from "vitest";
import type { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import type { Table } from "../../../api/store/table.js";
import { engineOn, failure, testTable, unique } from "./support.js";

let table: Table;
let engine: LocalEventBridge;
beforeAll(async () => {
  table = await testTable();
  engine = engineOn(table);
});

const pattern = (source: string) => JSON.stringify({ source: [source] });

describe("event buses", () => {
  it("creates, describes and deletes a custom bus with AWS's ARN", async () => {
    const name = unique("bus");
    const created = await engine.createEventBus({ Name: name, Description: "orders" });
    expect(created.EventBusArn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${name}`);
    const described = await engine.describeEventBus({ Name: created.EventBusArn });
    expect(described).toMatchObject({ Name: name, Arn: created.EventBusArn, Description: "orders" });
    expect(described.CreationTime).toBeInstanceOf(Date);
    await engine.deleteEventBus({ Name: name });
    expect(await failure(engine.describeEventBus({ Name: name }))).toEqual({
      name: "ResourceNotFoundException",
      message: `Event bus ${name} does not exist.`,
    });
  });

  it("refuses a second bus with the same name, the name default and invalid names", async () => {
    const name = unique("bus");
    await engine.createEventBus({ Name: name });
    expect(await failure(engine.createEventBus({ Name: name }))).toEqual({
      name: "ResourceAlreadyExistsException",
      message: `Event bus ${name} already exists.`,
    });
    expect((await failure(engine.createEventBus({ Name: "default" }))).name).toBe("ValidationException");
    expect((await failure(engine.createEventBus({ Name: "has space" }))).name).toBe("ValidationException");
  });

  it("always has the default bus, which cannot be deleted", async () => {
    expect((await engine.describeEventBus({})).Arn).toBe(
      "arn:aws:events:us-east-1:000000000000:event-bus/default",
    );
    expect((await failure(engine.deleteEventBus({ Name: "default" }))).name).toBe("ValidationException");
  });

  it("deletes a bus's rules with it, so a bus created again under the name starts empty", async () => {
    const name = unique("bus");
    await engine.createEventBus({ Name: name });
    await engine.putRule({ Name: "r", EventBusName: name, EventPattern: pattern("a") });
    await engine.deleteEventBus({ Name: name });
    await engine.createEventBus({ Name: name });
    expect((await engine.listRules({ EventBusName: name })).Rules).toEqual([]);
  });

  it("treats deleting a missing bus as done, as AWS does", async () => {
    await expect(engine.deleteEventBus({ Name: unique("never") })).resolves.toBeUndefined();
  });
});

describe("rules and targets", () => {
  let bus: string;
  beforeAll(async () => {
    bus = unique("rules-bus");
    await engine.createEventBus({ Name: bus });
  });

  it("puts a rule with the custom-bus rule ARN and describes it", async () => {
    const out = await engine.putRule({
      Name: "r1",
      EventBusName: bus,
      EventPattern: pattern("a"),
      Description: "d",
    });
    expect(out.RuleArn).toBe(`arn:aws:events:us-east-1:000000000000:rule/${bus}/r1`);
    expect(await engine.describeRule({ Name: "r1", EventBusName: bus })).toMatchObject({
      Name: "r1",
      Arn: out.RuleArn,
      EventPattern: pattern("a"),
      State: "ENABLED",
      Description: "d",
      EventBusName: bus,
    });
  });

  it("uses rule/<name> ARNs on the default bus", async () => {
    const name = unique("dflt");
    const out = await engine.putRule({ Name: name, EventPattern: pattern("a") });
    expect(out.RuleArn).toBe(`arn:aws:events:us-east-1:000000000000:rule/${name}`);
    await engine.deleteRule({ Name: name });
  });

  it("rejects an invalid pattern with EventBridge's message and a rule on a missing bus", async () => {
    expect(
      await failure(engine.putRule({ Name: "bad", EventBusName: bus, EventPattern: '{"a":"x"}' })),
    ).toEqual({
      name: "InvalidEventPatternException",
      message: 'Event pattern is not valid. Reason: "a" must be an object or an array',
    });
    expect(
      await failure(engine.putRule({ Name: "r", EventBusName: unique("none"), EventPattern: pattern("a") })),
    ).toEqual(expect.objectContaining({ name: "ResourceNotFoundException" }));
    expect((await failure(engine.putRule({ Name: "r", EventBusName: bus }))).message).toBe(
      "Parameter(s) EventPattern or ScheduleExpression must be specified.",
    );
  });

  it("keeps targets when the rule is put again, and records retry policy and dead-letter queue", async () => {
    await engine.putRule({ Name: "r2", EventBusName: bus, EventPattern: pattern("a") });
    const target = {
      Id: "t1",
      Arn: "arn:aws:lambda:us-east-1:000000000000:function:f",
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
      DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:000000000000:dlq" },
    };
    expect(await engine.putTargets({ Rule: "r2", EventBusName: bus, Targets: [target] })).toEqual({
      FailedEntryCount: 0,
      FailedEntries: [],
    });
    await engine.putRule({ Name: "r2", EventBusName: bus, EventPattern: pattern("b"), State: "DISABLED" });
    expect((await engine.listTargetsByRule({ Rule: "r2", EventBusName: bus })).Targets).toEqual([target]);
    expect((await engine.describeRule({ Name: "r2", EventBusName: bus })).State).toBe("DISABLED");
  });

  it("allows five targets per rule and validates target ids and input settings", async () => {
    await engine.putRule({ Name: "r3", EventBusName: bus, EventPattern: pattern("a") });
    const targets = [1, 2, 3, 4, 5].map((i) => ({
      Id: `t${i}`,
      Arn: `arn:aws:sqs:us-east-1:000000000000:q${i}`,
    }));
    await engine.putTargets({ Rule: "r3", EventBusName: bus, Targets: targets });
    expect(
      await failure(
        engine.putTargets({ Rule: "r3", EventBusName: bus, Targets: [{ Id: "t6", Arn: "arn:x" }] }),
      ),
    ).toEqual({
      name: "LimitExceededException",
      message: "The requested resource exceeds the maximum number allowed.",
    });
    // Replacing an existing id is not a sixth target.
    await engine.putTargets({ Rule: "r3", EventBusName: bus, Targets: [{ Id: "t5", Arn: "arn:other" }] });
    expect(
      (
        await failure(
          engine.putTargets({ Rule: "r3", EventBusName: bus, Targets: [{ Id: "bad id", Arn: "arn:x" }] }),
        )
      ).message,
    ).toBe(
      "1 validation error detected: Value 'bad id' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    expect(
      (
        await failure(
          engine.putTargets({
            Rule: "r3",
            EventBusName: bus,
            Targets: [
              { Id: "t1", Arn: "arn:x", InputTransformer: { InputPathsMap: {}, InputTemplate: '"<nope>"' } },
            ],
          }),
        )
      ).message,
    ).toBe("InputTemplate for target t1 contains invalid placeholder nope.");
  });

  it("refuses to delete a rule that still has targets, then deletes it once they are removed", async () => {
    await engine.putRule({ Name: "r4", EventBusName: bus, EventPattern: pattern("a") });
    await engine.putTargets({ Rule: "r4", EventBusName: bus, Targets: [{ Id: "t", Arn: "arn:x" }] });
    expect(await failure(engine.deleteRule({ Name: "r4", EventBusName: bus }))).toEqual({
      name: "ValidationException",
      message: "Rule can't be deleted since it has targets.",
    });
    await engine.removeTargets({ Rule: "r4", EventBusName: bus, Ids: ["t"] });
    await engine.deleteRule({ Name: "r4", EventBusName: bus });
    expect(await failure(engine.describeRule({ Name: "r4", EventBusName: bus }))).toEqual({
      name: "ResourceNotFoundException",
      message: `Rule r4 does not exist on EventBus ${bus}.`,
    });
  });

  it("refuses the 301st rule on a bus with AWS's LimitExceededException, but not an update or another bus", async () => {
    const full = unique("full-bus");
    const other = unique("other-bus");
    await engine.createEventBus({ Name: full });
    await engine.createEventBus({ Name: other });
    for (let i = 0; i < 300; i++) {
      await engine.putRule({ Name: `r${i}`, EventBusName: full, EventPattern: pattern(`s${i}`) });
    }
    const refused = { Name: "r300", EventBusName: full, EventPattern: pattern("s300") };
    expect(await failure(engine.putRule(refused))).toEqual({
      name: "LimitExceededException",
      message: "The requested resource exceeds the maximum number allowed.",
    });
    expect(await failure(engine.describeRule({ Name: "r300", EventBusName: full }))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    // Putting an existing rule again updates it; the quota is per bus.
    await engine.putRule({ Name: "r0", EventBusName: full, EventPattern: pattern("changed") });
    expect((await engine.describeRule({ Name: "r0", EventBusName: full })).EventPattern).toBe(
      pattern("changed"),
    );
    await engine.putRule({ Name: "r300", EventBusName: other, EventPattern: pattern("s300") });
    // A deleted rule frees its place.
    await engine.deleteRule({ Name: "r0", EventBusName: full });
    await expect(engine.putRule(refused)).resolves.toMatchObject({
      RuleArn: expect.stringContaining("/r300"),
    });
    expect(await failure(engine.putRule({ ...refused, Name: "r301" }))).toMatchObject({
      name: "LimitExceededException",
    });
  });

  it("lists rules by prefix, a page at a time", async () => {
    const listBus = unique("list-bus");
    await engine.createEventBus({ Name: listBus });
    for (const name of ["orders-1", "orders-2", "orders-3", "payments-1"]) {
      await engine.putRule({ Name: name, EventBusName: listBus, EventPattern: pattern(name) });
    }
    const first = await engine.listRules({ EventBusName: listBus, NamePrefix: "orders-", Limit: 2 });
    expect(first.Rules?.map((r) => r.Name)).toEqual(["orders-1", "orders-2"]);
    expect(first.NextToken).toBeTruthy();
    const second = await engine.listRules({
      EventBusName: listBus,
      NamePrefix: "orders-",
      NextToken: first.NextToken,
    });
    expect(second.Rules?.map((r) => r.Name)).toEqual(["orders-3"]);
    expect(second.NextToken).toBeUndefined();
    // A token from another bus's listing is refused, not followed.
    expect((await failure(engine.listRules({ EventBusName: bus, NextToken: first.NextToken }))).name).toBe(
      "ValidationException",
    );
  });

  it("keeps buses, rules and targets across a restart (a new engine on the same table)", async () => {
    const again = engineOn(table);
    expect((await again.listTargetsByRule({ Rule: "r2", EventBusName: bus })).Targets?.[0]?.Id).toBe("t1");
    expect((await again.describeEventBus({ Name: bus })).Name).toBe(bus);
  });
});

describe("TestEventPattern", () => {
  const event = {
    id: "1",
    account: "000000000000",
    source: "orders",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    "detail-type": "created",
    detail: { amount: 12 },
  };

  it("answers whether the pattern matches", async () => {
    const text = JSON.stringify(event);
    expect((await engine.testEventPattern({ EventPattern: pattern("orders"), Event: text })).Result).toBe(
      true,
    );
    expect((await engine.testEventPattern({ EventPattern: pattern("other"), Event: text })).Result).toBe(
      false,
    );
  });

  it("requires the envelope fields AWS requires and a valid pattern", async () => {
    const { id: _id, ...noId } = event;
    expect(
      (await failure(engine.testEventPattern({ EventPattern: pattern("x"), Event: JSON.stringify(noId) })))
        .name,
    ).toBe("ValidationException");
    expect(
      (await failure(engine.testEventPattern({ EventPattern: "[]", Event: JSON.stringify(event) }))).name,
    ).toBe("InvalidEventPatternException");
  });

  it("accepts an event without resources, as AWS does (recorded `minimal` case)", async () => {
    const { resources: _resources, ...noResources } = event;
    const out = await engine.testEventPattern({
      EventPattern: pattern("orders"),
      Event: JSON.stringify(noResources),
    });
    expect(out.Result).toBe(true);
  });
});
