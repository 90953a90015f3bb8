/**
 * Replays a team runs, one item per slot under the team's partition (`TEAM#<team>`,
 * `REPLAYSLOT#<n>`): a replay takes a free slot with a conditional write before it starts, so a
 * team never runs more than it has slots however many requests race. Slots are freed when a replay
 * is found ended (the use case asks EventBridge), never by TTL.
 */
import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

export interface ReplaySlot {
  slot: number;
  replay: string;
  takenAt: string;
}

export interface ReplaySlotRepository {
  /** The team's slots that hold a replay. */
  list(team: string): Promise<ReplaySlot[]>;
  /** Takes `slot` for `replay`; false when another replay holds it. */
  take(team: string, slot: number, replay: string, now: Date): Promise<boolean>;
  /** Frees `slot` if it still holds `replay`. */
  free(team: string, slot: number, replay: string): Promise<void>;
}

const PREFIX = "REPLAYSLOT#";
const slotKey = (team: string, slot: number) => ({ PK: `TEAM#${team}`, SK: `${PREFIX}${slot}` });

export function replaySlotRepository(table: Table): ReplaySlotRepository {
  const { doc, name: TableName } = table;
  return {
    async list(team) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": `TEAM#${team}`, ":p": PREFIX },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((i) => ({
        slot: Number(String(i.SK).slice(PREFIX.length)),
        replay: i.replay as string,
        takenAt: i.takenAt as string,
      }));
    },

    async take(team, slot, replay, now) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...slotKey(team, slot), type: "replay-slot", replay, takenAt: now.toISOString() },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async free(team, slot, replay) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: slotKey(team, slot),
            ConditionExpression: "replay = :r",
            ExpressionAttributeValues: { ":r": replay },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
