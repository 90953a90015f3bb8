/**
 * The audit record: who changed what, when, through which request. One item per entry and team it
 * concerns (a bus share is recorded for the team that gave it and the team that holds it), plus one
 * in the platform's record (every entry, for platform admins), read newest first by Query only.
 * A team's entries are also indexed by project (GSI1) and by action (GSI2), so a filtered page is a
 * Query of its own. Entries are never changed or expired (README: Audit record); a project's entries
 * outlive the project.
 *
 *   item             PK              SK       GSI1PK / GSI1SK                         GSI2PK / GSI2SK
 *   team's entry     AUDIT#<team>    <ULID>   AUDIT#<team>#PROJECT#<project> / ULID   AUDIT#<team>#ACTION#<action> / ULID
 *   platform's copy  AUDIT           <ULID>
 */
import { PutCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
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
  /** The team whose record this is; absent in the platform's record, which has `teams`. */
  team?: string;
  /** In the platform's record: every team the entry concerns (none for platform settings). */
  teams?: string[];
  at: string;
  actor: AuditActor;
  /** What happened, `<thing>.<verb>`: `config.create`, `deployment.deploy`, `api-key.revoke`, ... */
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

export type NewAuditEntry = Omit<AuditEntry, "id" | "team" | "teams">;

export interface AuditFilter {
  /** Only entries about this project (its name). */
  project?: string;
  /** Only this action. */
  action?: string;
}

export interface AuditRepository {
  /**
   * Records the entry for each team it concerns and in the platform's record (one write each);
   * answers the team entries written.
   */
  record(teams: readonly string[], entry: NewAuditEntry): Promise<AuditEntry[]>;
  /** A team's entries, newest first. */
  list(team: string, options: { limit: number; cursor?: string } & AuditFilter): Promise<Page<AuditEntry>>;
  /** Every entry of every team, and the platform's own, newest first. */
  listAll(options: { limit: number; cursor?: string; action?: string }): Promise<Page<AuditEntry>>;
}

const PLATFORM = "AUDIT";
const pk = (team: string) => `AUDIT#${team}`;
const byProject = (team: string, project: string) => `AUDIT#${team}#PROJECT#${project}`;
const byAction = (team: string, action: string) => `AUDIT#${team}#ACTION#${action}`;
const nextId = monotonicFactory();

export function auditRepository(table: Table): AuditRepository {
  const { doc, name: TableName } = table;

  async function put(item: Record<string, unknown>): Promise<void> {
    await doc
      .send(
        new PutCommand({
          TableName,
          Item: item,
          // An entry is written once; a retry of the same write changes nothing.
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      )
      .catch((err) => {
        if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
      });
  }

  /** One page of a Query over `partition` (of `index`, if given), newest first. */
  async function page(
    partition: { index?: "GSI1" | "GSI2"; key: string; keyOf: (id: string) => Record<string, string> },
    { limit, cursor }: { limit: number; cursor?: string },
    filter?: { action: string },
  ): Promise<Page<AuditEntry>> {
    const after = decodeCursor(partition.key, cursor);
    const keyName = partition.index ? `${partition.index}PK` : "PK";
    const input: QueryCommandInput = {
      TableName,
      ...(partition.index ? { IndexName: partition.index } : {}),
      KeyConditionExpression: `${keyName} = :pk`,
      ExpressionAttributeValues: { ":pk": partition.key, ...(filter ? { ":action": filter.action } : {}) },
      ...(filter
        ? { FilterExpression: "#action = :action", ExpressionAttributeNames: { "#action": "action" } }
        : {}),
      ScanIndexForward: false,
      Limit: limit,
      ...(after ? { ExclusiveStartKey: partition.keyOf(after) } : {}),
    };
    const out = await doc.send(new QueryCommand(input));
    const items = (out.Items ?? []).map(toEntry);
    const lastKey = out.LastEvaluatedKey;
    // With a filter, the last item read may not be on the page: resume after the last one read.
    const lastId = (partition.index ? lastKey?.[`${partition.index}SK`] : lastKey?.SK) as string | undefined;
    return { items, ...(lastId ? { nextCursor: encodeCursor(partition.key, lastId) } : {}) };
  }

  return {
    async record(teams, entry) {
      const id = nextId(Date.parse(entry.at));
      const concerned = [...new Set(teams)];
      const entries = concerned.map((team) => ({ ...entry, id, team }));
      for (const item of entries) {
        await put({
          PK: pk(item.team),
          SK: id,
          type: "audit",
          ...(item.project ? { GSI1PK: byProject(item.team, item.project), GSI1SK: id } : {}),
          GSI2PK: byAction(item.team, item.action),
          GSI2SK: id,
          ...item,
        });
      }
      await put({ PK: PLATFORM, SK: id, type: "audit", ...entry, id, teams: concerned });
      return entries;
    },

    list(team, { limit, cursor, project, action }) {
      const paging = { limit, ...(cursor ? { cursor } : {}) };
      if (project) {
        const key = byProject(team, project);
        return page(
          { index: "GSI1", key, keyOf: (id) => ({ PK: pk(team), SK: id, GSI1PK: key, GSI1SK: id }) },
          paging,
          action ? { action } : undefined,
        );
      }
      if (action) {
        const key = byAction(team, action);
        return page(
          { index: "GSI2", key, keyOf: (id) => ({ PK: pk(team), SK: id, GSI2PK: key, GSI2SK: id }) },
          paging,
        );
      }
      return page({ key: pk(team), keyOf: (id) => ({ PK: pk(team), SK: id }) }, paging);
    },

    listAll({ limit, cursor, action }) {
      return page(
        { key: PLATFORM, keyOf: (id) => ({ PK: PLATFORM, SK: id }) },
        { limit, ...(cursor ? { cursor } : {}) },
        action ? { action } : undefined,
      );
    },
  };
}

function toEntry(item: Record<string, unknown>): AuditEntry {
  const {
    PK: _pk,
    SK: _sk,
    type: _type,
    GSI1PK: _p1,
    GSI1SK: _s1,
    GSI2PK: _p2,
    GSI2SK: _s2,
    ...entry
  } = item;
  return entry as unknown as AuditEntry;
}
