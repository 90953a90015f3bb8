import { ulid } from "ulid";
import { DomainError } from "../errors.js";
import type { ReplaySlotRepository } from "../store/replay-slots.js";
import type { BusScope, ReplayHistoryRepository } from "../store/replays.js";
import { viaEventBridge } from "./errors.js";
import type { BusLocation, BusOps, PublishEntry, ReplayStatus } from "./port.js";
import { ruleArnOn } from "./resolve.js";

/** Bus operations on a resolved, authorized bus. Each takes the BusOps port it runs on. */

export const publishEvents = (ops: BusOps, bus: BusLocation, entries: PublishEntry[]) =>
  viaEventBridge(() => ops.publish(bus, entries));

export const listBusRules = (ops: BusOps, bus: BusLocation) => viaEventBridge(() => ops.listRules(bus));

/** `eventText`: the event object's JSON text (detail-text.ts's eventText keeps the caller's digits). */
export const matchEvent = (ops: BusOps, bus: BusLocation, eventText: string) =>
  viaEventBridge(() => ops.matchRules(bus, eventText));

/** Replay names are account-wide in EventBridge: the bus name plus a ULID keeps them unique. */
export function replayName(bus: BusLocation, now: Date): string {
  const id = ulid(now.getTime()).toLowerCase();
  return `${bus.name.replace(/[^.\-_A-Za-z0-9]/g, "-").slice(0, 64 - id.length - 1)}-${id}`;
}

/**
 * Replays one team may run at once. EventBridge allows 10 per account and Region, shared by every
 * team: without a share of its own, one team could hold them all.
 */
export const MAX_REPLAYS_PER_TEAM = 3;

const ENDED: readonly string[] = ["COMPLETED", "CANCELLED", "FAILED"];

/** A slot whose replay EventBridge does not know is still being started for this long. */
const SLOT_START_GRACE_MS = 60_000;

/** Where a replay is recorded and who starts it (see api/store/replays.ts). */
export interface ReplayStart {
  slots: ReplaySlotRepository;
  history: ReplayHistoryRepository;
  team: string;
  /** The bus as the history keys it: project key, stage, the bus's config name. */
  scope: BusScope;
  /** Key id of the caller. */
  startedBy: string;
}

/**
 * Starts a replay in one of the team's slots (see api/store/replay-slots.ts) and records it in the
 * bus's replay history. The window is checked first, in Switchyard's words.
 */
export async function startBusReplay(
  ops: BusOps,
  start: ReplayStart,
  bus: BusLocation,
  input: { from: Date; to: Date; rules?: string[] },
  now: Date,
): Promise<ReplayStatus> {
  if (!bus.archiveArn) {
    throw new DomainError(
      "conflict",
      `Event bus ${bus.name} has no archive to replay from; turn on archivation for it and deploy again.`,
    );
  }
  const archiveArn = bus.archiveArn;
  const retentionDays = (await viaEventBridge(() => ops.describeArchive(archiveArn)))?.retentionDays ?? 0;
  checkReplayWindow(input, retentionDays, now);
  const name = replayName(bus, now);
  const slot = await takeReplaySlot(ops, start.slots, start.team, name, now);
  let replay: ReplayStatus;
  try {
    replay = await viaEventBridge(() =>
      ops
        .startReplay(bus, {
          name,
          archiveArn,
          from: input.from,
          to: input.to,
          ...(input.rules?.length ? { ruleArns: input.rules.map((rule) => ruleArnOn(bus, rule)) } : {}),
        })
        .catch((err) => {
          throw (err as Error).name === "LimitExceededException" ? accountReplayLimit() : err;
        }),
    );
  } catch (err) {
    await start.slots.free(start.team, slot, name);
    throw err;
  }
  await start.history.add(start.scope, {
    id: replayIdOf(name),
    name,
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    ...(input.rules?.length ? { rules: input.rules } : {}),
    startedAt: (replay.startedAt ?? now).toISOString(),
    startedBy: start.startedBy,
  });
  return replay;
}

const accountReplayLimit = () =>
  new DomainError(
    "limit-exceeded",
    `${MAX_ACTIVE_REPLAYS} replays already run in this AWS account and Region, EventBridge's quota shared by every team. Wait for one to end.`,
  );

/** Replays EventBridge runs at once per account and Region. */
const MAX_ACTIVE_REPLAYS = 10;

/**
 * A replay window EventBridge could replay something from: `from` before `to`, not starting in the
 * future, not wholly older than what the archive keeps (`retentionDays`, 0 = indefinitely). Every
 * problem at once, each on the field it concerns.
 */
export function checkReplayWindow(window: { from: Date; to: Date }, retentionDays: number, now: Date): void {
  const errors: { path: string; message: string }[] = [];
  const { from, to } = window;
  if (from.getTime() >= to.getTime()) {
    errors.push({
      path: "to",
      message: `The window must end after it starts: to (${to.toISOString()}) is not after from (${from.toISOString()}).`,
    });
  }
  if (from.getTime() > now.getTime()) {
    errors.push({
      path: "from",
      message: `The window starts in the future (${from.toISOString()}, now is ${now.toISOString()}): nothing is archived there yet.`,
    });
  }
  const keptSince = now.getTime() - retentionDays * 86_400_000;
  if (retentionDays > 0 && to.getTime() < keptSince) {
    errors.push({
      path: "to",
      message: `The archive keeps events for ${retentionDays} days, so nothing before ${new Date(keptSince).toISOString()} is left; the window ends at ${to.toISOString()}.`,
    });
  }
  if (errors.length > 0) {
    throw new DomainError(
      "validation-error",
      errors.length === 1 ? errors[0]!.message : `The replay window has ${errors.length} problems.`,
      { errors },
    );
  }
}

/** The ULID a replay's name ends with (see replayName). */
const replayIdOf = (name: string) => name.slice(-26);

/** A replay as listed: what was asked, by whom, and how far it got. */
export interface ListedReplay
  extends Omit<ReplayStatus, "arn" | "archiveArn" | "destinationArn" | "ruleArns"> {
  rules?: string[];
  startedBy: string;
}

/**
 * The replays started on this bus through Switchyard, newest first. Each still active is described
 * (one EventBridge call each, at most a page of them); one found ended is recorded as ended, so
 * it is never asked about again.
 */
export async function listBusReplays(
  ops: BusOps,
  history: ReplayHistoryRepository,
  scope: BusScope,
  page: { limit: number; cursor?: string },
): Promise<{ items: ListedReplay[]; nextCursor?: string }> {
  const stored = await history.list(scope, page);
  const items = await Promise.all(
    stored.items.map(async (entry): Promise<ListedReplay> => {
      const asked = {
        name: entry.name,
        from: new Date(entry.from),
        to: new Date(entry.to),
        ...(entry.rules ? { rules: entry.rules } : {}),
        startedAt: new Date(entry.startedAt),
        startedBy: entry.startedBy,
      };
      if (entry.ended) {
        const { state, stateReason, endedAt, lastReplayedEventTime } = entry.ended;
        return {
          ...asked,
          state,
          ...(stateReason ? { stateReason } : {}),
          ...(endedAt ? { endedAt: new Date(endedAt) } : {}),
          ...(lastReplayedEventTime ? { lastReplayedEventTime: new Date(lastReplayedEventTime) } : {}),
        };
      }
      const live = await viaEventBridge(() => ops.describeReplay(entry.name));
      if (!live) {
        // EventBridge forgot it: nothing more will happen to it.
        const stateReason = "EventBridge no longer knows this replay.";
        await history.end(scope, entry.id, { state: "FAILED", stateReason });
        return { ...asked, state: "FAILED", stateReason };
      }
      if (ENDED.includes(live.state)) {
        await history.end(scope, entry.id, {
          state: live.state as "COMPLETED" | "CANCELLED" | "FAILED",
          ...(live.stateReason ? { stateReason: live.stateReason } : {}),
          ...(live.endedAt ? { endedAt: live.endedAt.toISOString() } : {}),
          ...(live.lastReplayedEventTime
            ? { lastReplayedEventTime: live.lastReplayedEventTime.toISOString() }
            : {}),
        });
      }
      return {
        ...asked,
        state: live.state,
        ...(live.stateReason ? { stateReason: live.stateReason } : {}),
        ...(live.endedAt ? { endedAt: live.endedAt } : {}),
        ...(live.lastReplayedEventTime ? { lastReplayedEventTime: live.lastReplayedEventTime } : {}),
      };
    }),
  );
  return { items, ...(stored.nextCursor ? { nextCursor: stored.nextCursor } : {}) };
}

/**
 * A free slot of the team for `replay`. Slots whose replay ended (or never started: a process that
 * stopped between taking the slot and starting it) are freed first; with none free, 409.
 */
async function takeReplaySlot(
  ops: BusOps,
  slots: ReplaySlotRepository,
  team: string,
  replay: string,
  now: Date,
): Promise<number> {
  const taken = new Set<number>();
  for (const held of await slots.list(team)) {
    const status = await viaEventBridge(() => ops.describeReplay(held.replay));
    const startedLongAgo = now.getTime() - Date.parse(held.takenAt) > SLOT_START_GRACE_MS;
    if ((status && ENDED.includes(status.state)) || (!status && startedLongAgo)) {
      await slots.free(team, held.slot, held.replay);
    } else taken.add(held.slot);
  }
  for (let slot = 0; slot < MAX_REPLAYS_PER_TEAM; slot++) {
    if (!taken.has(slot) && (await slots.take(team, slot, replay, now))) return slot;
  }
  throw new DomainError(
    "limit-exceeded",
    `Team ${team} already runs ${MAX_REPLAYS_PER_TEAM} replays, the most one team may run at once (10 run at once in all, EventBridge's quota). Wait for one to end, or cancel one.`,
  );
}

/** A replay of this bus's archive; replays of other buses (other tenants) answer 404 like missing ones. */
export async function getBusReplay(ops: BusOps, bus: BusLocation, name: string): Promise<ReplayStatus> {
  const replay = await viaEventBridge(() => ops.describeReplay(name));
  if (!replay || !bus.archiveArn || replay.archiveArn !== bus.archiveArn) {
    throw new DomainError("not-found", `Event bus ${bus.name} has no replay named ${name}.`);
  }
  return replay;
}

export async function cancelBusReplay(ops: BusOps, bus: BusLocation, name: string): Promise<ReplayStatus> {
  await getBusReplay(ops, bus, name);
  return viaEventBridge(() => ops.cancelReplay(name));
}

export const listBusDeliveries = (
  ops: BusOps,
  bus: BusLocation,
  options: { rule?: string; limit: number; cursor?: string },
) => viaEventBridge(() => ops.listDeliveries(bus, options));
