import { ulid } from "ulid";
import { DomainError } from "../errors.js";
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

export async function startBusReplay(
  ops: BusOps,
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
  return viaEventBridge(() =>
    ops.startReplay(bus, {
      name: replayName(bus, now),
      archiveArn,
      from: input.from,
      to: input.to,
      ...(input.rules?.length ? { ruleArns: input.rules.map((rule) => ruleArnOn(bus, rule)) } : {}),
    }),
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
