/**
 * Per team, its global alarms (api/resources/concerns/alarms/global.ts): Stacktape keeps them in its
 * console, Switchyard here. One item per team holding the definitions as their JSON text (secrets are
 * `$Secret()` references only, so none is stored); writes are conditional on the revision the
 * writer read, as the team's allow-list.
 *
 *   item            PK            SK              revision, definitions, updatedAt, updatedBy
 *   global alarms   TEAM#<team>   GLOBAL_ALARMS
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { GlobalAlarm } from "../resources/concerns/alarms/global.js";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

export interface GlobalAlarms {
  team: string;
  alarms: GlobalAlarm[];
  /** 0 when nothing was ever set; increases with every write (the ETag derives from it). */
  revision: number;
  updatedAt?: string;
  updatedBy?: string;
}

export class GlobalAlarmsChangedError extends Error {
  constructor(readonly current: GlobalAlarms) {
    super("global alarms changed since they were read");
    this.name = "GlobalAlarmsChangedError";
  }
}

export interface GlobalAlarmRepository {
  /** The team's global alarms (none, revision 0, when none were set). */
  get(team: string): Promise<GlobalAlarms>;
  /** Replaces them if the stored revision is still `expectRevision` (when given). */
  put(
    team: string,
    input: { alarms: GlobalAlarm[]; updatedAt: string; updatedBy: string },
    expectRevision?: number,
  ): Promise<GlobalAlarms>;
}

const key = (team: string) => ({ PK: `TEAM#${team}`, SK: "GLOBAL_ALARMS" });

export function globalAlarmRepository(table: Table): GlobalAlarmRepository {
  const { doc, name: TableName } = table;
  const get = async (team: string): Promise<GlobalAlarms> => {
    const out = await doc.send(new GetCommand({ TableName, Key: key(team), ConsistentRead: true }));
    const item = out.Item;
    return item
      ? {
          team,
          alarms: JSON.parse(item.definitions as string) as GlobalAlarm[],
          revision: item.revision as number,
          updatedAt: item.updatedAt as string,
          updatedBy: item.updatedBy as string,
        }
      : { team, alarms: [], revision: 0 };
  };
  return {
    get,
    async put(team, input, expectRevision) {
      for (;;) {
        const current = expectRevision ?? (await get(team)).revision;
        const next: GlobalAlarms = { team, ...input, revision: current + 1 };
        try {
          await doc.send(
            new PutCommand({
              TableName,
              Item: {
                ...key(team),
                type: "global-alarms",
                definitions: JSON.stringify(input.alarms),
                revision: next.revision,
                updatedAt: input.updatedAt,
                updatedBy: input.updatedBy,
              },
              ConditionExpression: current === 0 ? "attribute_not_exists(PK)" : "revision = :current",
              ...(current === 0 ? {} : { ExpressionAttributeValues: { ":current": current } }),
            }),
          );
          return next;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          if (expectRevision !== undefined) throw new GlobalAlarmsChangedError(await get(team));
        }
      }
    },
  };
}
