import type { Target } from "@aws-sdk/client-eventbridge";
import { beforeAll, describe, expect, it } from "vitest";
import type { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import type { Table } from "../../../api/store/table.js";
import { engineOn, failure, manualClock, testTable, unique } from "./support.js";

let table: Table;
let engine: LocalEventBridge;
const clock = manualClock(new Date("2026-03-01T12:00:00.250Z"));
beforeAll(async () => {
  table = await testTable();
  engine = engineOn(table, { now: clock.now });
});

async function busWithRule(
  rulePattern: object | string,
  targets: Target[] = [{ Id: "t1", Arn: "arn:aws:lambda:us-east-1:000000000000:function:f" }],
) {
  const bus = unique("bus");
  await engine.createEventBus({ Name: bus });
  await engine.putRule({
    Name: "rule-1",
    EventBusName: bus,
    EventPattern: typeof rulePattern === "string" ? rulePattern : JSON.stringify(rulePattern),
  });
  await engine.putTargets({ Rule: "rule-1", EventBusName: bus, Targets: targets });
  return bus;
}

const budgetEvent = (bus: string, eventName: string) => ({
  EventBusName: bus,
  Source: "my.publisher",
  DetailType: "budget",
  Detail: JSON.stringify({ EventName: eventName }),
});

describe("PutEvents", () => {
  it("delivers a matching event once per target, with the AWS envelope, and nothing for others", async () => {
    const bus = await busWithRule({ detail: { EventName: ["BUDGET_ANALYSIS"] } }, [
      { Id: "whole", Arn: "arn:aws:batch:us-east-1:000000000000:job-queue/q" },
      { Id: "detail-only", Arn: "arn:aws:sqs:us-east-1:000000000000:q", InputPath: "$.detail" },
    ]);
    const out = await engine.putEvents({
      Entries: [budgetEvent(bus, "BUDGET_ANALYSIS"), budgetEvent(bus, "SOMETHING_ELSE")],
    });
    expect(out.FailedEntryCount).toBe(0);
    const [hit, miss] = out.Entries!;
    const deliveries = await engine.listDeliveries(bus, { limit: 10 });
    expect(deliveries.items).toHaveLength(2);
    expect(deliveries.items.every((d) => d.eventId === hit?.EventId && d.rule === "rule-1")).toBe(true);
    expect(deliveries.items.some((d) => d.eventId === miss?.EventId)).toBe(false);
    const whole = deliveries.items.find((d) => d.targetId === "whole")!;
    expect(JSON.parse(whole.input)).toEqual({
      version: "0",
      id: hit?.EventId,
      "detail-type": "budget",
      source: "my.publisher",
      account: "000000000000",
      time: "2026-03-01T12:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: { EventName: "BUDGET_ANALYSIS" },
    });
    expect(Object.keys(JSON.parse(whole.input))).toEqual([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    expect(JSON.parse(deliveries.items.find((d) => d.targetId === "detail-only")!.input)).toEqual({
      EventName: "BUDGET_ANALYSIS",
    });
  });

  it("answers each entry in order: event ids for good ones, AWS's error codes for bad ones", async () => {
    const bus = await busWithRule({ source: ["my.publisher"] });
    const out = await engine.putEvents({
      Entries: [
        budgetEvent(bus, "A"),
        { EventBusName: bus, DetailType: "x", Detail: "{}" },
        { EventBusName: bus, Source: "s", DetailType: "x", Detail: "[1]" },
      ],
    });
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.[1]).toEqual({
      ErrorCode: "InvalidArgument",
      ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument.",
    });
    expect(out.Entries?.[2]).toEqual({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." });
    expect((await engine.listDeliveries(bus, { limit: 10 })).items).toHaveLength(1);
  });

  it("accepts an event for a bus that does not exist and drops it, as AWS does", async () => {
    const out = await engine.putEvents({ Entries: [budgetEvent(unique("nowhere"), "A")] });
    expect(out).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
  });

  it("fails the request for more than 10 entries or entries over the size limit", async () => {
    const bus = unique("any");
    expect((await failure(engine.putEvents({ Entries: Array(11).fill(budgetEvent(bus, "A")) }))).name).toBe(
      "ValidationException",
    );
    const small = engineOn(table, { maxRequestBytes: 100 });
    const big = { ...budgetEvent(bus, "A"), Detail: JSON.stringify({ pad: "x".repeat(100) }) };
    expect(await failure(small.putEvents({ Entries: [big] }))).toEqual({
      name: "ValidationException",
      message: "Total size of the entries in the request is over the limit.",
    });
  });

  it("delivers nothing for a disabled rule, and sees rule changes at once", async () => {
    const bus = await busWithRule({ source: ["my.publisher"] });
    await engine.putRule({
      Name: "rule-1",
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ["my.publisher"] }),
      State: "DISABLED",
    });
    await engine.putEvents({ Entries: [budgetEvent(bus, "A")] });
    expect((await engine.listDeliveries(bus, { limit: 10 })).items).toHaveLength(0);
    await engine.putRule({
      Name: "rule-1",
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ["other"] }),
    });
    await engine.putEvents({ Entries: [budgetEvent(bus, "A")] });
    expect((await engine.listDeliveries(bus, { limit: 10 })).items).toHaveLength(0);
    await engine.putRule({
      Name: "rule-1",
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ["my.publisher"] }),
    });
    await engine.putEvents({ Entries: [budgetEvent(bus, "A")] });
    expect((await engine.listDeliveries(bus, { limit: 10 })).items).toHaveLength(1);
  });

  it("keeps big integers of the detail exact in what it delivers", async () => {
    const bus = await busWithRule('{"detail":{"n":[12345678901234567890]}}');
    await engine.putEvents({
      Entries: [
        { EventBusName: bus, Source: "s", DetailType: "t", Detail: '{"n": 12345678901234567890}' },
        // Equal to the first once rounded to a double: it must not match.
        { EventBusName: bus, Source: "s", DetailType: "t", Detail: '{"n": 12345678901234567891}' },
      ],
    });
    const deliveries = (await engine.listDeliveries(bus, { limit: 10 })).items;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.input).toContain('"detail":{"n":12345678901234567890}');
  });

  it("uses the entry's Time (second precision) when given", async () => {
    const bus = await busWithRule({ source: ["s"] });
    await engine.putEvents({
      Entries: [
        {
          EventBusName: bus,
          Source: "s",
          DetailType: "t",
          Detail: "{}",
          Time: new Date("2025-05-05T05:05:05.999Z"),
        },
      ],
    });
    const [delivery] = (await engine.listDeliveries(bus, { limit: 1 })).items;
    expect(JSON.parse(delivery!.input).time).toBe("2025-05-05T05:05:05Z");
  });
});

describe("the delivery log", () => {
  it("pages newest first, filters by rule, and survives a restart", async () => {
    const bus = await busWithRule({ source: ["s"] });
    await engine.putRule({
      Name: "rule-2",
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ["s"] }),
    });
    await engine.putTargets({ Rule: "rule-2", EventBusName: bus, Targets: [{ Id: "t", Arn: "arn:x" }] });
    for (const n of [1, 2, 3]) {
      clock.advance(1000);
      await engine.putEvents({
        Entries: [{ EventBusName: bus, Source: "s", DetailType: "t", Detail: JSON.stringify({ n }) }],
      });
    }
    const restarted = engineOn(table);
    const first = await restarted.listDeliveries(bus, { rule: "rule-2", limit: 2 });
    expect(first.items.map((d) => JSON.parse(d.input).detail.n)).toEqual([3, 2]);
    expect(first.items.every((d) => d.rule === "rule-2")).toBe(true);
    const second = await restarted.listDeliveries(bus, { rule: "rule-2", limit: 2, cursor: first.next! });
    expect(second.items.map((d) => JSON.parse(d.input).detail.n)).toEqual([1]);
    expect((await restarted.listDeliveries(bus, { limit: 10 })).items).toHaveLength(6);
  });
});
