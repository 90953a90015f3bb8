/**
 * The audit record: who changed what, when, through which request. One item per entry and team it
 * concerns (a bus share is recorded for the team that gave it and the team that holds it), read
 * newest first by Query only. Entries are never changed or expired. Today bus shares and allow-list
 * changes are recorded; every other state change is meant to call `record` too (#20).
 *
 *   item          PK              SK
 *   audit entry   AUDIT#<team>    <ULID of the entry>
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { monotonicFactory } from "ulid";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import type { Table } from "./table.js";

export interface AuditActor {
  keyId: string;
  name: string;
  /** The key's team; absent for platform-admin keys. */
  team?: string;
  platformAdmin: boolean;
}

export interface AuditEntry {
  /** ULID: entries sort by it, newest first. */
  id: string;
  /** The team whose record this is. */
  team: string;
  at: string;
  actor: AuditActor;
  /** What happened, `<thing>.<verb>`: `bus-share.grant`, `bus-share.revoke`, `allowed-resources.update`. */
  action: string;
  /** What it happened to: a kind and an ID, plus whatever identifies it for a reader. */
  target: { kind: string; id: string } & Record<string, string>;
  /** The project it concerns, if any (the project's name, as paths take it). */
  project?: string;
  /** The request that did it (the `requestId` of its response and log lines). */
  requestId: string;
  /** Anything else worth keeping (the access granted, the stages still using a revoked share). */
  details?: Record<string, unknown>;
}

/** Who did it, from the caller a request was authenticated as. */
export function auditActor(caller: AuditActor & { role?: string }): AuditActor {
  return {
    keyId: caller.keyId,
    name: caller.name,
    platformAdmin: caller.platformAdmin,
    ...(caller.team ? { team: caller.team } : {}),
  };
}

export type NewAuditEntry = Omit<AuditEntry, "id" | "team">;

export interface AuditRepository {
  /** Records the entry for each team it concerns (one write each); answers the entries written. */
  record(teams: readonly string[], entry: NewAuditEntry): Promise<AuditEntry[]>;
  /** A team's entries, newest first. */
  list(team: string, options: { limit: number; cursor?: string }): Promise<Page<AuditEntry>>;
}

const pk = (team: string) => `AUDIT#${team}`;
const nextId = monotonicFactory();

export function auditRepository(table: Table): AuditRepository {
  const { doc, name: TableName } = table;
  return {
    async record(teams, entry) {
      const id = nextId(Date.parse(entry.at));
      const entries = [...new Set(teams)].map((team) => ({ ...entry, id, team }));
      for (const item of entries) {
        await doc
          .send(
            new PutCommand({
              TableName,
              Item: { PK: pk(item.team), SK: id, type: "audit", ...item },
              // An entry is written once; a retry of the same write changes nothing.
              ConditionExpression: "attribute_not_exists(PK)",
            }),
          )
          .catch((err) => {
            if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
          });
      }
      return entries;
    },

    async list(team, { limit, cursor }) {
      const after = decodeCursor(pk(team), cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": pk(team) },
          ScanIndexForward: false,
          Limit: limit,
          ...(after ? { ExclusiveStartKey: { PK: pk(team), SK: after } } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toEntry);
      const last = items.at(-1);
      return {
        items,
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(pk(team), last.id) } : {}),
      };
    },
  };
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const { PK: _pk, SK: _sk, type: _type, ...entry } = item;
  return entry as unknown as AuditEntry;
}
