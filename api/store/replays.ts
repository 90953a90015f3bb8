/**
 * The replays started through Switchyard, per bus of a stage, so a team can list them (EventBridge's
 * ListReplays pages in no useful order and forgets). One item per replay under the project's
 * partition, so deleting the project deletes them; the sort key ends with the replay's ULID, so a
 * Query reads a bus's replays newest first. An item holds what was asked and by whom; its state is
 * EventBridge's, copied here once the replay has ended (an ended replay never changes again).
 *
 *   item      PK                        SK
 *   replay    PROJECT#<project key>     REPLAY#<stage>#<bus>#<ULID>
 */
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export type EndedReplayState = "COMPLETED" | "CANCELLED" | "FAILED";

export interface ReplayHistoryEntry {
  /** ULID of the start; the replay's name ends with it. */
  id: string;
  name: string;
  from: string;
  to: string;
  /** Rule names it is limited to, as asked. */
  rules?: string[];
  startedAt: string;
  /** Key id of who started it. */
  startedBy: string;
  /** Set once EventBridge reported the replay ended. */
  ended?: {
    state: EndedReplayState;
    stateReason?: string;
    endedAt?: string;
    lastReplayedEventTime?: string;
  };
}

/** Which bus's replays: the project key, the stage and the bus's config name. */
export interface BusScope {
  project: string;
  stage: string;
  bus: string;
}

export interface ReplayHistoryRepository {
  add(scope: BusScope, entry: ReplayHistoryEntry): Promise<void>;
  /** The bus's replays, newest first. */
  list(scope: BusScope, options: { limit: number; cursor?: string }): Promise<Page<ReplayHistoryEntry>>;
  /** Records how a replay ended (only once: later calls change nothing). */
  end(scope: BusScope, id: string, ended: NonNullable<ReplayHistoryEntry["ended"]>): Promise<void>;
}

const prefix = (s: BusScope) => `REPLAY#${s.stage}#${s.bus}#`;
const key = (s: BusScope, id: string) => ({ PK: keys.projectPartition(s.project), SK: `${prefix(s)}${id}` });

export function replayHistoryRepository(table: Table): ReplayHistoryRepository {
  const { doc, name: TableName } = table;
  return {
    async add(scope, entry) {
      await doc.send(
        new PutCommand({ TableName, Item: { ...key(scope, entry.id), type: "replay", ...entry } }),
      );
    },

    async list(scope, { limit, cursor }) {
      const pk = keys.projectPartition(scope.project);
      const cursorScope = `${pk}#${prefix(scope)}`;
      const after = decodeCursor(cursorScope, cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": pk, ":p": prefix(scope) },
          ScanIndexForward: false,
          Limit: limit,
          ...(after ? { ExclusiveStartKey: key(scope, after) } : {}),
        }),
      );
      const items = (out.Items ?? []).map(
        ({ PK: _pk, SK: _sk, type: _type, ...entry }) => entry as ReplayHistoryEntry,
      );
      const last = items.at(-1);
      return {
        items,
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(cursorScope, last.id) } : {}),
      };
    },

    async end(scope, id, ended) {
      await doc
        .send(
          new UpdateCommand({
            TableName,
            Key: key(scope, id),
            UpdateExpression: "SET ended = :e",
            ConditionExpression: "attribute_exists(PK) AND attribute_not_exists(ended)",
            ExpressionAttributeValues: { ":e": ended },
          }),
        )
        .catch((err) => {
          if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
        });
    },
  };
}
