import type {
  CancelReplayCommandInput,
  CancelReplayCommandOutput,
  DescribeReplayCommandInput,
  DescribeReplayCommandOutput,
  StartReplayCommandInput,
  StartReplayCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { busNameOf, replayArn, resourceNameOf, ruleOfArn } from "../../eventbridge/arns.js";
import { envelopeTime } from "../../eventbridge/envelope.js";
import {
  busNotFound,
  constraintViolation,
  EventBridgeError,
  limitExceeded,
  replayNotFound,
  validation,
} from "../../eventbridge/errors.js";
import { type EngineContext, iso } from "./context.js";
import { routeEvent } from "./publish.js";
import type { ReplayRecord, ReplayState } from "./records.js";

type Out<T> = Omit<T, "$metadata">;

/** Concurrent active replays per account and Region. */
export const MAX_ACTIVE_REPLAYS = 10;
const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const ACTIVE: ReplayState[] = ["STARTING", "RUNNING"];

const describe = (r: ReplayRecord): Out<DescribeReplayCommandOutput> => ({
  ReplayName: r.name,
  ReplayArn: r.arn,
  ...(r.description ? { Description: r.description } : {}),
  State: r.state,
  ...(r.stateReason ? { StateReason: r.stateReason } : {}),
  EventSourceArn: r.eventSourceArn,
  Destination: { Arn: r.destinationArn, ...(r.filterArns ? { FilterArns: r.filterArns } : {}) },
  EventStartTime: new Date(r.eventStartTime),
  EventEndTime: new Date(r.eventEndTime),
  ...(r.eventLastReplayedTime ? { EventLastReplayedTime: new Date(r.eventLastReplayedTime) } : {}),
  ReplayStartTime: new Date(r.replayStartTime),
  ...(r.replayEndTime ? { ReplayEndTime: new Date(r.replayEndTime) } : {}),
});

/**
 * Replays run in this process after StartReplay returns: STARTING → RUNNING → COMPLETED, or
 * CANCELLING → CANCELLED when cancelled, or FAILED. Events are read from the archive a page at a
 * time, in event-time order, and delivered with `replay-name` only to the bus's rules (or those in
 * FilterArns). Each page records progress (EventLastReplayedTime) with a conditional write that
 * also notices a cancellation.
 */
export class Replays {
  private readonly running = new Map<string, Promise<void>>();

  /**
   * `schedule` decides when a started replay runs; by default at once (still after StartReplay has
   * answered, since the run begins with a write). Tests pass a gate to observe STARTING.
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly schedule: (run: () => Promise<void>) => Promise<void> = (run) => run(),
  ) {}

  async start(input: StartReplayCommandInput): Promise<Out<StartReplayCommandOutput>> {
    const { ctx } = this;
    const name = input.ReplayName ?? "";
    if (!REPLAY_NAME.test(name)) {
      throw constraintViolation(
        name,
        "replayName",
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
      );
    }
    const archiveName = resourceNameOf(input.EventSourceArn ?? "", "archive") ?? "";
    const archive = archiveName ? await ctx.store.getArchive(archiveName) : undefined;
    if (!archive) {
      throw validation(
        `Parameter EventSourceArn is not valid. Reason: Archive ${archiveName} does not exist.`,
      );
    }
    const from = input.EventStartTime;
    const to = input.EventEndTime;
    if (!from || !to || from.getTime() >= to.getTime()) {
      throw validation(
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
      );
    }
    const destination = input.Destination?.Arn ?? "";
    const bus = busNameOf(destination);
    if (!(await ctx.buses.get(bus))) throw busNotFound(bus);
    if (bus !== archive.bus) {
      throw validation(
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
      );
    }
    if ((await ctx.store.activeReplayCount()) >= MAX_ACTIVE_REPLAYS) throw limitExceeded();
    const now = ctx.now();
    const replay: ReplayRecord = {
      name,
      arn: replayArn(ctx.scope, name),
      ...(input.Description ? { description: input.Description } : {}),
      archive: archive.name,
      eventSourceArn: archive.arn,
      destinationArn: destination,
      ...(input.Destination?.FilterArns?.length ? { filterArns: input.Destination.FilterArns } : {}),
      eventStartTime: iso(from),
      eventEndTime: iso(to),
      state: "STARTING",
      replayStartTime: iso(now),
    };
    if (!(await ctx.store.createReplay(replay))) {
      throw new EventBridgeError("ResourceAlreadyExistsException", `Replay ${name} already exists.`);
    }
    const run = this.schedule(() => this.run(replay)).finally(() => this.running.delete(name));
    this.running.set(name, run);
    return { ReplayArn: replay.arn, State: "STARTING", ReplayStartTime: now };
  }

  async describe(input: DescribeReplayCommandInput): Promise<Out<DescribeReplayCommandOutput>> {
    return describe(await this.settled(input.ReplayName ?? ""));
  }

  async cancel(input: CancelReplayCommandInput): Promise<Out<CancelReplayCommandOutput>> {
    const replay = await this.settled(input.ReplayName ?? "");
    const notCancellable = () =>
      new EventBridgeError(
        "IllegalStatusException",
        `Replay ${replay.name} is not in a valid state for this operation.`,
      );
    if (!ACTIVE.includes(replay.state)) throw notCancellable();
    if (!(await this.ctx.store.updateReplay({ ...replay, state: "CANCELLING" }, ACTIVE)))
      throw notCancellable();
    // With no runner here to notice, the cancellation settles now.
    if (!this.running.has(replay.name)) await this.settleCancellation(replay.name);
    return { ReplayArn: replay.arn, State: "CANCELLING" };
  }

  /**
   * At start, for replays a stopped engine left behind: an active one fails, since nothing runs it
   * any more (a resume would deliver the events of its last page twice; the caller starts a new
   * replay from EventLastReplayedTime instead), one being cancelled is cancelled, and the marker
   * of one that already ended goes. None of them counts against the limit afterwards.
   */
  async recoverInterrupted(): Promise<ReplayRecord[]> {
    const settled: ReplayRecord[] = [];
    for (const name of await this.ctx.store.activeReplayNames()) {
      if (this.running.has(name)) continue;
      const replay = await this.ctx.store.getReplay(name);
      if (!replay || !["STARTING", "RUNNING", "CANCELLING"].includes(replay.state)) {
        await this.ctx.store.forgetActiveReplay(name);
        continue;
      }
      settled.push(await this.settled(name));
    }
    return settled;
  }

  /** Resolves when every replay started by this engine has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /**
   * The stored replay; one left active by an engine that stopped (a restart of `npm start`) is
   * settled first, since no process is running it any more.
   */
  private async settled(name: string): Promise<ReplayRecord> {
    const replay = await this.ctx.store.getReplay(name);
    if (!replay) throw replayNotFound(name);
    if (this.running.has(name)) return replay;
    if (replay.state === "CANCELLING") return (await this.settleCancellation(name)) ?? replay;
    if (ACTIVE.includes(replay.state)) {
      const failed: ReplayRecord = {
        ...replay,
        state: "FAILED",
        stateReason: replay.eventLastReplayedTime
          ? `The local engine stopped while this replay ran; events up to ${replay.eventLastReplayedTime} were replayed. Start a new replay from there.`
          : "The local engine stopped while this replay ran, before it replayed any event; start a new replay.",
        replayEndTime: iso(this.ctx.now()),
      };
      if (await this.ctx.store.updateReplay(failed, [replay.state])) return failed;
      return (await this.ctx.store.getReplay(name)) ?? replay;
    }
    return replay;
  }

  private async settleCancellation(name: string): Promise<ReplayRecord | undefined> {
    const replay = await this.ctx.store.getReplay(name);
    if (replay?.state !== "CANCELLING") return replay;
    const cancelled: ReplayRecord = { ...replay, state: "CANCELLED", replayEndTime: iso(this.ctx.now()) };
    return (await this.ctx.store.updateReplay(cancelled, ["CANCELLING"]))
      ? cancelled
      : this.ctx.store.getReplay(name);
  }

  private async run(replay: ReplayRecord): Promise<void> {
    const { ctx } = this;
    let current: ReplayRecord = { ...replay, state: "RUNNING" };
    try {
      if (!(await ctx.store.updateReplay(current, ["STARTING"]))) {
        await this.settleCancellation(replay.name);
        return;
      }
      const archive = await ctx.store.getArchive(replay.archive);
      if (!archive) throw new Error(`Archive ${replay.archive} does not exist.`);
      const onlyRules = replay.filterArns
        ? new Set(
            replay.filterArns
              .map(ruleOfArn)
              .filter((r) => r?.bus === archive.bus)
              .map((r) => r!.rule),
          )
        : undefined;
      const from = envelopeTime(new Date(replay.eventStartTime));
      const to = envelopeTime(new Date(replay.eventEndTime));
      let token: string | undefined;
      do {
        const page = await ctx.store.archivedEvents(archive.name, from, to, token);
        token = page.next;
        const view = await ctx.buses.get(archive.bus);
        if (!view) throw busNotFound(archive.bus);
        const now = ctx.now();
        const keptSince =
          archive.retentionDays > 0 ? now.getTime() - archive.retentionDays * 86_400_000 : -Infinity;
        const deliveries = [];
        const events = new Map<string, string>();
        for (const item of page.items) {
          if (new Date(item.ingestedAt).getTime() < keptSince) continue;
          const routed = routeEvent(view, item.event, {
            ingestedAt: now,
            replayName: replay.name,
            ...(onlyRules ? { onlyRules } : {}),
          });
          deliveries.push(...routed.deliveries);
          for (const [id, text] of routed.events) events.set(id, text);
        }
        await ctx.deliveries.record(deliveries, now, events);
        const last = page.items.at(-1);
        if (last) current = { ...current, eventLastReplayedTime: new Date(last.event.time).toISOString() };
        // Progress, and the place a cancellation is noticed: the write only lands while RUNNING.
        if (!(await ctx.store.updateReplay(current, ["RUNNING"]))) {
          await this.settleCancellation(replay.name);
          return;
        }
      } while (token);
      const completed: ReplayRecord = { ...current, state: "COMPLETED", replayEndTime: iso(ctx.now()) };
      if (!(await ctx.store.updateReplay(completed, ["RUNNING"]))) await this.settleCancellation(replay.name);
    } catch (err) {
      ctx.log?.error("replay failed", { replay: replay.name, error: (err as Error).message });
      const failed: ReplayRecord = {
        ...current,
        state: "FAILED",
        stateReason: (err as Error).message,
        replayEndTime: iso(ctx.now()),
      };
      await ctx.store.updateReplay(failed, ["STARTING", "RUNNING", "CANCELLING"]).catch(() => undefined);
    }
  }
}
