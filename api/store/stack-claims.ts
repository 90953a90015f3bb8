/**
 * Which stage owns a stack name. Stacks of team namespaces (`<prefix><ns>--<project>--<stage>`)
 * cannot collide, but stacks from before them are `<prefix><project>-<stage>` and both names may
 * contain `-`, so two projects could map to one stack (`shop` + `prod-eu`, `shop-prod` + `eu`). The
 * first stage to prepare a stack claims its name for good; any other stage is refused, so no
 * project can preview, update or tear down another project's stack. The claim also maps a stack
 * back to its stage (reconcile of an operation started outside Switchyard).
 *
 *   item          PK                   SK
 *   stack claim   STACK#<stack name>   CLAIM     project (key), stage
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

export interface StackOwner {
  project: string;
  stage: string;
}

export interface StackClaimRepository {
  /** Claims the name for the stage, or finds it claimed already; answers who owns it now. */
  claim(stackName: string, owner: StackOwner, now: Date): Promise<StackOwner>;
  /** The stage that claimed the name, if one did. */
  get(stackName: string): Promise<StackOwner | undefined>;
}

const claimKey = (stackName: string) => ({ PK: `STACK#${stackName}`, SK: "CLAIM" });

export function stackClaimRepository(table: Table): StackClaimRepository {
  const { doc, name: TableName } = table;
  const get = async (stackName: string): Promise<StackOwner | undefined> => {
    const out = await doc.send(new GetCommand({ TableName, Key: claimKey(stackName), ConsistentRead: true }));
    return out.Item ? { project: out.Item.project as string, stage: out.Item.stage as string } : undefined;
  };
  return {
    async claim(stackName, owner, now) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...claimKey(stackName), type: "stack-claim", ...owner, claimedAt: now.toISOString() },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
        return owner;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      return (await get(stackName)) as StackOwner;
    },
    get,
  };
}
