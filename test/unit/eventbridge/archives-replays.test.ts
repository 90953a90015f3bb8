import { beforeAll, describe, expect, it } from "vitest";
import type { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import type { Table } from "../../../api/store/table.js";
import { engineOn, failure, manualClock, testTable, unique, until } from "./support.js";

let table: Table;
let engine: LocalEventBridge;
const clock = manualClock();
beforeAll(async () => {
  table = await testTable();
  engine = engineOn(table, { now: clock.now });
});

const ACCOUNT = "arn:aws:events:us-east-1:000000000000";

/** A bus with two rules (each with one target) and an archive of everything. */
async function archivedBus(archivePattern?: object, retentionDays = 0) {
  const bus = unique("bus");
  const archive = unique("arch");
  await engine.createEventBus({ Name: bus });
  for (const rule of ["rule-a", "rule-b"]) {
    await engine.putRule({
      Name: rule,
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: ["app"] }),
    });
    await engine.putTargets({
      Rule: rule,
      EventBusName: bus,
      Targets: [{ Id: "t", Arn: `arn:aws:sqs:us-east-1:000000000000:${rule}` }],
    });
  }
  const created = await engine.createArchive({
    ArchiveName: archive,
    EventSourceArn: `${ACCOUNT}:event-bus/${bus}`,
    RetentionDays: retentionDays,
    ...(archivePattern ? { EventPattern: JSON.stringify(archivePattern) } : {}),
  });
  return { bus, archive, archiveArn: created.ArchiveArn!, busArn: `${ACCOUNT}:event-bus/${bus}` };
}

const publish = (bus: string, detail: object) =>
  engine.putEvents({
    Entries: [{ EventBusName: bus, Source: "app", DetailType: "t", Detail: JSON.stringify(detail) }],
  });

describe("archives", () => {
  it("creates, describes, updates and deletes an archive with AWS's errors", async () => {
    const { bus, archive, archiveArn } = await archivedBus();
    expect(archiveArn).toBe(`${ACCOUNT}:archive/${archive}`);
    expect(await engine.describeArchive({ ArchiveName: archive })).toMatchObject({
      ArchiveArn: archiveArn,
      ArchiveName: archive,
      EventSourceArn: `${ACCOUNT}:event-bus/${bus}`,
      State: "ENABLED",
      RetentionDays: 0,
      EventCount: 0,
      SizeBytes: 0,
    });
    expect(
      await failure(
        engine.createArchive({ ArchiveName: archive, EventSourceArn: `${ACCOUNT}:event-bus/${bus}` }),
      ),
    ).toEqual({ name: "ResourceAlreadyExistsException", message: `Archive ${archive} already exists.` });
    expect(
      await failure(
        engine.createArchive({
          ArchiveName: unique("a"),
          EventSourceArn: `${ACCOUNT}:event-bus/missing-bus`,
        }),
      ),
    ).toEqual({ name: "ResourceNotFoundException", message: "Event bus missing-bus does not exist." });
    expect(await failure(engine.updateArchive({ ArchiveName: archive }))).toEqual({
      name: "ValidationException",
      message: "At least one of EventPattern, RetentionDays or Description must be provided.",
    });
    await engine.updateArchive({ ArchiveName: archive, RetentionDays: 3, Description: "kept" });
    expect(await engine.describeArchive({ ArchiveName: archive })).toMatchObject({
      RetentionDays: 3,
      Description: "kept",
    });
    await engine.deleteArchive({ ArchiveName: archive });
    expect(await failure(engine.describeArchive({ ArchiveName: archive }))).toEqual({
      name: "ResourceNotFoundException",
      message: `Archive ${archive} does not exist.`,
    });
  });

  it("deletes its events with it: an archive created again under the name replays nothing old", async () => {
    const { bus, archive, busArn } = await archivedBus();
    const from = clock.now();
    await publish(bus, { n: 1 });
    await engine.deleteArchive({ ArchiveName: archive });
    const again = await engine.createArchive({ ArchiveName: archive, EventSourceArn: busArn });
    expect((await engine.describeArchive({ ArchiveName: archive })).EventCount).toBe(0);
    clock.advance(1000);
    const name = unique("replay");
    await engine.startReplay({
      ReplayName: name,
      EventSourceArn: again.ArchiveArn,
      EventStartTime: from,
      EventEndTime: clock.now(),
      Destination: { Arn: busArn },
    });
    await until(
      () => engine.describeReplay({ ReplayName: name }),
      (r) => r.State === "COMPLETED",
    );
    expect(
      (await engine.listDeliveries(bus, { limit: 20 })).items.filter((d) => d.replayName === name),
    ).toEqual([]);
  });

  it("keeps every event, or only those matching its pattern, and counts them", async () => {
    const all = await archivedBus();
    await publish(all.bus, { kind: "x" });
    await publish(all.bus, { kind: "y" });
    expect((await engine.describeArchive({ ArchiveName: all.archive })).EventCount).toBe(2);
    const some = await archivedBus({ detail: { kind: ["x"] } });
    await publish(some.bus, { kind: "x" });
    await publish(some.bus, { kind: "y" });
    const described = await engine.describeArchive({ ArchiveName: some.archive });
    expect(described.EventCount).toBe(1);
    expect(described.SizeBytes).toBeGreaterThan(100);
  });
});

describe("replays", () => {
  it("re-delivers archived events in the window to every rule with replay-name, and never re-archives them", async () => {
    const { bus, archive, archiveArn, busArn } = await archivedBus();
    const before = clock.now();
    clock.advance(1000);
    const published = await publish(bus, { n: 1 });
    clock.advance(60_000);
    await publish(bus, { n: 2 }); // outside the window below
    clock.advance(1000);
    const started = await engine.startReplay({
      ReplayName: unique("replay"),
      EventSourceArn: archiveArn,
      EventStartTime: before,
      EventEndTime: new Date(before.getTime() + 30_000),
      Destination: { Arn: busArn },
    });
    expect(started).toMatchObject({ State: "STARTING", ReplayArn: expect.stringContaining(":replay/") });
    const name = started.ReplayArn!.split("/").pop()!;
    const done = await until(
      () => engine.describeReplay({ ReplayName: name }),
      (r) => r.State === "COMPLETED",
    );
    expect(done).toMatchObject({
      ReplayName: name,
      State: "COMPLETED",
      EventSourceArn: archiveArn,
      Destination: { Arn: busArn },
    });
    expect(done.ReplayEndTime).toBeInstanceOf(Date);
    expect(done.EventLastReplayedTime).toBeInstanceOf(Date);
    const replayed = (await engine.listDeliveries(bus, { limit: 20 })).items.filter(
      (d) => d.replayName === name,
    );
    expect(replayed.map((d) => d.rule).sort()).toEqual(["rule-a", "rule-b"]);
    for (const delivery of replayed) {
      const event = JSON.parse(delivery.input);
      expect(event["replay-name"]).toBe(name);
      expect(event.id).toBe(published.Entries?.[0]?.EventId);
      expect(event.detail).toEqual({ n: 1 });
      expect(Object.keys(event).indexOf("replay-name")).toBe(Object.keys(event).indexOf("region") + 1);
    }
    // Two original events archived; the replayed one was not archived again.
    expect((await engine.describeArchive({ ArchiveName: archive })).EventCount).toBe(2);
  });

  it("limits a replay to the rules named in FilterArns", async () => {
    const { bus, archiveArn, busArn } = await archivedBus();
    const from = clock.now();
    await publish(bus, { n: 1 });
    clock.advance(1000);
    const name = unique("replay");
    await engine.startReplay({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: from,
      EventEndTime: clock.now(),
      Destination: { Arn: busArn, FilterArns: [`${ACCOUNT}:rule/${bus}/rule-b`] },
    });
    await until(
      () => engine.describeReplay({ ReplayName: name }),
      (r) => r.State === "COMPLETED",
    );
    const replayed = (await engine.listDeliveries(bus, { limit: 20 })).items.filter(
      (d) => d.replayName === name,
    );
    expect(replayed.map((d) => d.rule)).toEqual(["rule-b"]);
  });

  it("skips events older than the archive's retention", async () => {
    const { bus, archiveArn, busArn } = await archivedBus(undefined, 1);
    const from = clock.now();
    await publish(bus, { n: 1 });
    clock.advance(2 * 86_400_000);
    const name = unique("replay");
    await engine.startReplay({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: from,
      EventEndTime: clock.now(),
      Destination: { Arn: busArn },
    });
    await until(
      () => engine.describeReplay({ ReplayName: name }),
      (r) => r.State === "COMPLETED",
    );
    expect(
      (await engine.listDeliveries(bus, { limit: 20 })).items.filter((d) => d.replayName === name),
    ).toEqual([]);
  });

  it("answers AWS's errors for bad requests", async () => {
    const { bus, archiveArn, busArn } = await archivedBus();
    const other = await archivedBus();
    const base = {
      ReplayName: unique("replay"),
      EventSourceArn: archiveArn,
      EventStartTime: new Date("2026-01-01T00:00:00Z"),
      EventEndTime: new Date("2026-01-01T01:00:00Z"),
      Destination: { Arn: busArn },
    };
    expect(await failure(engine.startReplay({ ...base, EventSourceArn: `${ACCOUNT}:archive/nope` }))).toEqual(
      {
        name: "ValidationException",
        message: "Parameter EventSourceArn is not valid. Reason: Archive nope does not exist.",
      },
    );
    expect(await failure(engine.startReplay({ ...base, EventEndTime: base.EventStartTime }))).toEqual({
      name: "ValidationException",
      message: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    });
    expect(await failure(engine.startReplay({ ...base, Destination: { Arn: other.busArn } }))).toEqual({
      name: "ValidationException",
      message: "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
    });
    expect(
      await failure(engine.startReplay({ ...base, Destination: { Arn: `${ACCOUNT}:event-bus/gone` } })),
    ).toEqual({
      name: "ResourceNotFoundException",
      message: "Event bus gone does not exist.",
    });
    await engine.startReplay(base);
    expect(await failure(engine.startReplay(base))).toEqual({
      name: "ResourceAlreadyExistsException",
      message: `Replay ${base.ReplayName} already exists.`,
    });
    expect(await failure(engine.describeReplay({ ReplayName: "no-such-replay" }))).toEqual({
      name: "ResourceNotFoundException",
      message: "Replay no-such-replay does not exist.",
    });
    await engine.idle();
    expect(bus).toBeTruthy();
  });
});

describe("replay life cycle", () => {
  /** An engine whose replays wait until released, so tests can act while they are STARTING. */
  function gatedEngine() {
    const gates: (() => void)[] = [];
    const gated = engineOn(table, {
      now: clock.now,
      scheduleReplay: (run) => new Promise<void>((resolve) => gates.push(resolve)).then(run),
    });
    const release = () => {
      for (const open of gates.splice(0)) open();
    };
    return { gated, release };
  }

  it("cancels a replay: STARTING → CANCELLING → CANCELLED, then refuses a second cancel", async () => {
    const { gated, release } = gatedEngine();
    const { bus, archiveArn, busArn } = await archivedBus();
    await publish(bus, { n: 1 });
    const name = unique("replay");
    await gated.startReplay({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: new Date(clock.now().getTime() - 60_000),
      EventEndTime: clock.now(),
      Destination: { Arn: busArn },
    });
    expect((await gated.describeReplay({ ReplayName: name })).State).toBe("STARTING");
    expect(await gated.cancelReplay({ ReplayName: name })).toEqual({
      ReplayArn: `${ACCOUNT}:replay/${name}`,
      State: "CANCELLING",
    });
    expect((await gated.describeReplay({ ReplayName: name })).State).toBe("CANCELLING");
    release();
    await gated.idle();
    expect((await gated.describeReplay({ ReplayName: name })).State).toBe("CANCELLED");
    expect((await failure(gated.cancelReplay({ ReplayName: name }))).name).toBe("IllegalStatusException");
    expect(
      (await gated.listDeliveries(bus, { limit: 10 })).items.filter((d) => d.replayName === name),
    ).toEqual([]);
  });

  it("runs at most 10 replays at once", async () => {
    const { gated, release } = gatedEngine();
    const { archiveArn, busArn } = await archivedBus();
    const start = (name: string) =>
      gated.startReplay({
        ReplayName: name,
        EventSourceArn: archiveArn,
        EventStartTime: new Date("2026-01-01T00:00:00Z"),
        EventEndTime: new Date("2026-01-01T01:00:00Z"),
        Destination: { Arn: busArn },
      });
    await engine.idle();
    for (let i = 0; i < 10; i++) await start(unique(`r${i}`));
    expect(await failure(start(unique("r10")))).toEqual({
      name: "LimitExceededException",
      message: "The requested resource exceeds the maximum number allowed.",
    });
    release();
    await gated.idle();
    await expect(start(unique("r11"))).resolves.toMatchObject({ State: "STARTING" });
    release();
    await gated.idle();
  });

  it("marks a replay left running by a stopped engine as FAILED when read after a restart", async () => {
    const { gated } = gatedEngine();
    const { archiveArn, busArn } = await archivedBus();
    const name = unique("replay");
    await gated.startReplay({
      ReplayName: name,
      EventSourceArn: archiveArn,
      EventStartTime: new Date("2026-01-01T00:00:00Z"),
      EventEndTime: new Date("2026-01-01T01:00:00Z"),
      Destination: { Arn: busArn },
    });
    const restarted = engineOn(table, { now: clock.now });
    const described = await restarted.describeReplay({ ReplayName: name });
    expect(described.State).toBe("FAILED");
    expect(described.StateReason).toMatch(/stopped/);
  });
});
