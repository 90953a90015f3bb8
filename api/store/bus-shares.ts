/**
 * Bus shares (#15): a team lets another team attach rules to (`subscribe`) and/or send events to
 * (`publish`) one of its deployed buses. One item per share, keyed by the bus and the team holding
 * it, so a team holds at most one share of a bus; the owner's and the holder's listings are the two
 * GSIs. A bus item keeps the set of teams holding a share of it: adding a team to it is one
 * conditional update that refuses a second share and more than MAX_SHARES_PER_BUS at once.
 * Revoking deletes the share and leaves a `revoked` item with the holder (per bus, the latest), so a
 * refused deployment can name the share that was revoked.
 *
 *   item            PK                  SK                     GSI1PK / GSI1SK                    GSI2PK / GSI2SK
 *   bus             BUSSHARE#<bus arn>  BUS                    (holders: string set)
 *   share           BUSSHARE#<bus arn>  TO#<holder>            TEAM#<owner>#SHARES_GIVEN / <id>   TEAM#<holder>#SHARES_HELD / <id>
 *   revoked share   TEAM#<holder>       SHARE_REVOKED#<arn>
 *
 * The indexes are read for listings only; what a deployment may use is read back from the share
 * items with consistent reads, so a revoke is in force as soon as it answers.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { monotonicFactory } from "ulid";
import type { BusAccess } from "../compiler/tenancy/scope.js";
import { isConditionFailure } from "./conditions.js";
import type { Table } from "./table.js";

/** Most teams one bus is shared with at once. */
export const MAX_SHARES_PER_BUS = 20;
/** Most shares one team holds at once (each is read by every deployment of the team). */
export const MAX_SHARES_HELD = 100;

export interface BusShare {
  /** ULID. */
  id: string;
  /** The team that owns the bus. */
  owner: string;
  /** The owner's project (name), stage and bus (the config's resource name). */
  project: string;
  projectKey: string;
  stage: string;
  bus: string;
  /** The bus's ARN, from the owner's stage outputs when it was shared. */
  arn: string;
  /** The team holding the share. */
  sharedWith: string;
  access: BusAccess[];
  createdAt: string;
  /** Key id of who shared it. */
  createdBy: string;
}

export interface RevokedBusShare extends BusShare {
  revokedAt: string;
  revokedBy: string;
}

export type NewBusShare = Omit<BusShare, "id">;

export class BusShareExistsError extends Error {
  constructor(readonly existing: BusShare) {
    super("the bus is already shared with that team");
    this.name = "BusShareExistsError";
  }
}

export class BusShareLimitError extends Error {
  constructor(
    readonly limit: "per-bus" | "held",
    readonly max: number,
  ) {
    super(`share limit ${limit} reached`);
    this.name = "BusShareLimitError";
  }
}

export interface BusShareRepository {
  /** Shares the bus; BusShareExistsError if the team holds a share of it, BusShareLimitError past a limit. */
  grant(share: NewBusShare): Promise<BusShare>;
  /** The owner's share by id (undefined for another team's or a revoked one). */
  givenById(owner: string, id: string): Promise<BusShare | undefined>;
  /** The holder's share by id (undefined for another team's or a revoked one). */
  heldById(holder: string, id: string): Promise<BusShare | undefined>;
  /** Shares the team gave, newest first. */
  given(owner: string): Promise<BusShare[]>;
  /** Shares the team holds, newest first, each read back consistently (a revoke is in force at once). */
  held(holder: string): Promise<BusShare[]>;
  /** The latest revoked share of each bus the team once held (for messages only). */
  revoked(holder: string): Promise<RevokedBusShare[]>;
  /** Revokes it; false when it was revoked meanwhile. */
  revoke(share: BusShare, by: { at: string; keyId: string }): Promise<boolean>;
}

const busPk = (arn: string) => `BUSSHARE#${arn}`;
const shareKey = (arn: string, holder: string) => ({ PK: busPk(arn), SK: `TO#${holder}` });
const busKey = (arn: string) => ({ PK: busPk(arn), SK: "BUS" });
const givenIndex = (owner: string) => `TEAM#${owner}#SHARES_GIVEN`;
const heldIndex = (holder: string) => `TEAM#${holder}#SHARES_HELD`;
const revokedKey = (holder: string, arn: string) => ({ PK: `TEAM#${holder}`, SK: `SHARE_REVOKED#${arn}` });
const nextId = monotonicFactory();

const SHARE_FIELDS = [
  "id",
  "owner",
  "project",
  "projectKey",
  "stage",
  "bus",
  "arn",
  "sharedWith",
  "access",
  "createdAt",
  "createdBy",
] as const;

function toShare(item: Record<string, unknown>): BusShare {
  const share: Record<string, unknown> = {};
  for (const field of SHARE_FIELDS) share[field] = item[field];
  return share as unknown as BusShare;
}

export function busShareRepository(table: Table): BusShareRepository {
  const { doc, name: TableName } = table;

  const getShare = async (arn: string, holder: string) => {
    const out = await doc.send(
      new GetCommand({ TableName, Key: shareKey(arn, holder), ConsistentRead: true }),
    );
    return out.Item ? toShare(out.Item) : undefined;
  };

  const queryIndex = async (index: "GSI1" | "GSI2", pk: string, id?: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    const [pkName, skName] = index === "GSI1" ? ["GSI1PK", "GSI1SK"] : ["GSI2PK", "GSI2SK"];
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: index,
          KeyConditionExpression: id ? `${pkName} = :pk AND ${skName} = :id` : `${pkName} = :pk`,
          ExpressionAttributeValues: { ":pk": pk, ...(id ? { ":id": id } : {}) },
          ScanIndexForward: false,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map(toShare);
  };

  /** A share found by id in a listing, read back: the index may still list one that was revoked. */
  const byId = async (index: "GSI1" | "GSI2", pk: string, id: string) => {
    const [found] = await queryIndex(index, pk, id);
    if (!found) return undefined;
    const current = await getShare(found.arn, found.sharedWith);
    return current?.id === id ? current : undefined;
  };

  /** Takes the holder's place in the bus's set of holders: refuses a second share and a full bus. */
  const claimPlace = async (arn: string, holder: string): Promise<"claimed" | "taken" | "full"> => {
    try {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: busKey(arn),
          UpdateExpression: "ADD holders :holder SET #type = :type",
          ConditionExpression:
            "attribute_not_exists(holders) OR (size(holders) < :max AND NOT contains(holders, :name))",
          ExpressionAttributeNames: { "#type": "type" },
          ExpressionAttributeValues: {
            ":holder": new Set([holder]),
            ":name": holder,
            ":max": MAX_SHARES_PER_BUS,
            ":type": "bus-share-holders",
          },
        }),
      );
      return "claimed";
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const out = await doc.send(new GetCommand({ TableName, Key: busKey(arn), ConsistentRead: true }));
      const holders = out.Item?.holders as Set<string> | undefined;
      return holders?.has(holder) ? "taken" : "full";
    }
  };

  const releasePlace = (arn: string, holder: string) =>
    doc.send(
      new UpdateCommand({
        TableName,
        Key: busKey(arn),
        UpdateExpression: "DELETE holders :holder",
        ExpressionAttributeValues: { ":holder": new Set([holder]) },
      }),
    );

  return {
    async grant(input) {
      const held = await queryIndex("GSI2", heldIndex(input.sharedWith));
      if (held.length >= MAX_SHARES_HELD) throw new BusShareLimitError("held", MAX_SHARES_HELD);
      const place = await claimPlace(input.arn, input.sharedWith);
      if (place === "full") throw new BusShareLimitError("per-bus", MAX_SHARES_PER_BUS);
      if (place === "taken") {
        const existing = await getShare(input.arn, input.sharedWith);
        if (existing) throw new BusShareExistsError(existing);
        // A grant that died between its two writes left its place taken: this one completes it.
      }
      const share: BusShare = { id: nextId(Date.parse(input.createdAt)), ...input };
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...shareKey(share.arn, share.sharedWith),
              type: "bus-share",
              GSI1PK: givenIndex(share.owner),
              GSI1SK: share.id,
              GSI2PK: heldIndex(share.sharedWith),
              GSI2SK: share.id,
              ...share,
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const existing = await getShare(input.arn, input.sharedWith);
        if (existing) throw new BusShareExistsError(existing);
        throw err;
      }
      return share;
    },

    givenById: (owner, id) => byId("GSI1", givenIndex(owner), id),

    heldById: (holder, id) => byId("GSI2", heldIndex(holder), id),

    given: (owner) => queryIndex("GSI1", givenIndex(owner)),

    async held(holder) {
      const listed = await queryIndex("GSI2", heldIndex(holder));
      if (listed.length === 0) return [];
      // The index may lag a revoke: only shares whose item still exists count.
      const current = new Map<string, BusShare>();
      for (let i = 0; i < listed.length; i += 100) {
        let keys: Record<string, unknown>[] | undefined = listed
          .slice(i, i + 100)
          .map((s) => shareKey(s.arn, s.sharedWith));
        while (keys && keys.length > 0) {
          const out: BatchGetCommandOutput = await doc.send(
            new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }),
          );
          for (const item of out.Responses?.[TableName] ?? []) {
            const share = toShare(item);
            current.set(share.id, share);
          }
          keys = out.UnprocessedKeys?.[TableName]?.Keys;
        }
      }
      return listed.filter((s) => current.has(s.id)).map((s) => current.get(s.id)!);
    },

    async revoked(holder) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": `TEAM#${holder}`, ":p": "SHARE_REVOKED#" },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((item) => ({
        ...toShare(item),
        revokedAt: item.revokedAt as string,
        revokedBy: item.revokedBy as string,
      }));
    },

    async revoke(share, by) {
      // The record first: from the delete on, a deployment refused for lack of it can name it.
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...revokedKey(share.sharedWith, share.arn),
            type: "bus-share-revoked",
            ...share,
            revokedAt: by.at,
            revokedBy: by.keyId,
          },
        }),
      );
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: shareKey(share.arn, share.sharedWith),
            ConditionExpression: "id = :id",
            ExpressionAttributeValues: { ":id": share.id },
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
      await releasePlace(share.arn, share.sharedWith);
      return true;
    },
  };
}
