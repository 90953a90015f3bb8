/**
 * Per team, the external resources a platform admin allowed its stacks to name (#15): ARN patterns
 * for what lies outside every team's namespace, such as partner event buses, the account's default
 * bus, or resources of other accounts. One item per team; writes are conditional on the revision the
 * writer read, so two admins cannot overwrite each other unknowingly.
 *
 *   item                PK            SK                  revision, arns, updatedAt, updatedBy
 *   allowed resources   TEAM#<team>   ALLOWED_RESOURCES
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

export interface AllowedResources {
  team: string;
  /** ARN patterns; `*` matches any run of characters. */
  arns: string[];
  /** 0 when nothing was ever set; increases with every write (the ETag derives from it). */
  revision: number;
  updatedAt?: string;
  updatedBy?: string;
}

export class AllowedResourcesChangedError extends Error {
  constructor(readonly current: AllowedResources) {
    super("allowed resources changed since they were read");
    this.name = "AllowedResourcesChangedError";
  }
}

export interface AllowedResourcesRepository {
  /** The team's list (empty, revision 0, when none was set). */
  get(team: string): Promise<AllowedResources>;
  /** Replaces the list if the stored revision is still `expectRevision` (when given). */
  put(
    team: string,
    input: { arns: string[]; updatedAt: string; updatedBy: string },
    expectRevision?: number,
  ): Promise<AllowedResources>;
}

const key = (team: string) => ({ PK: `TEAM#${team}`, SK: "ALLOWED_RESOURCES" });

export function allowedResourcesRepository(table: Table): AllowedResourcesRepository {
  const { doc, name: TableName } = table;
  const get = async (team: string): Promise<AllowedResources> => {
    const out = await doc.send(new GetCommand({ TableName, Key: key(team), ConsistentRead: true }));
    const item = out.Item;
    return item
      ? {
          team,
          arns: (item.arns as string[]) ?? [],
          revision: item.revision as number,
          updatedAt: item.updatedAt as string,
          updatedBy: item.updatedBy as string,
        }
      : { team, arns: [], revision: 0 };
  };
  return {
    get,
    async put(team, input, expectRevision) {
      for (;;) {
        const current = expectRevision ?? (await get(team)).revision;
        const next: AllowedResources = { team, ...input, revision: current + 1 };
        try {
          await doc.send(
            new PutCommand({
              TableName,
              Item: { ...key(team), type: "allowed-resources", ...next },
              ConditionExpression: current === 0 ? "attribute_not_exists(PK)" : "revision = :current",
              ...(current === 0 ? {} : { ExpressionAttributeValues: { ":current": current } }),
            }),
          );
          return next;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          if (expectRevision !== undefined) throw new AllowedResourcesChangedError(await get(team));
        }
      }
    },
  };
}
