import { ulid } from "ulid";
import { DomainError } from "../errors.js";
import type { ReplaySlotRepository } from "../store/replay-slots.js";
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

/** Starts a replay in one of the team's slots (see api/store/replay-slots.ts). */
export async function startBusReplay(
  ops: BusOps,
  slots: ReplaySlotRepository,
  team: string,
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
  if (input.from.getTime() >= input.to.getTime()) {
    throw new DomainError("bad-request", "A replay's `from` must be before its `to`.");
  }
  const archiveArn = bus.archiveArn;
  const name = replayName(bus, now);
  const slot = await takeReplaySlot(ops, slots, team, name, now);
  try {
    return await viaEventBridge(() =>
      ops.startReplay(bus, {
        name,
        archiveArn,
        from: input.from,
        to: input.to,
        ...(input.rules?.length ? { ruleArns: input.rules.map((rule) => ruleArnOn(bus, rule)) } : {}),
      }),
    );
  } catch (err) {
    await slots.free(team, slot, name);
    throw err;
  }
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
