/**
 * The per-stage deployment lock: one item `LOCK#STAGE#<stage>` in the project's partition, taken with
 * a conditional write and held for a lease. A deployer that dies never locks a stage forever: once
 * `leaseUntil` has passed, the next writer may take it. TTL (`expiresAt`) only cleans up.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export interface StageLock {
  project: string;
  stage: string;
  /** The deployment holding the lock. */
  owner: string;
  /** Epoch milliseconds after which the lock is free. */
  leaseUntil: number;
  /** When it was taken (epoch milliseconds). */
  acquiredAt: number;
}

/** A conditional `Put` that takes the lock when it is absent or its lease has expired. */
export interface LockPut {
  Put: {
    TableName: string;
    Item: Record<string, unknown>;
    ConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  };
}

export interface LockRepository {
  get(project: string, stage: string): Promise<StageLock | undefined>;
  acquirePut(project: string, stage: string, owner: string, now: Date, leaseMs: number): LockPut;
  /** Pushes the lease forward while `owner` still holds it; false when it no longer does. */
  extend(project: string, stage: string, owner: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Frees the lock if `owner` holds it (a no-op otherwise, so releasing twice is safe). */
  release(project: string, stage: string, owner: string): Promise<void>;
}

export const lockKey = (project: string, stage: string) => ({
  PK: keys.projectPartition(project),
  SK: `LOCK#STAGE#${stage}`,
});

export function lockRepository(table: Table): LockRepository {
  const { doc, name: TableName } = table;
  return {
    async get(project, stage) {
      const out = await doc.send(
        new GetCommand({ TableName, Key: lockKey(project, stage), ConsistentRead: true }),
      );
      if (!out.Item) return undefined;
      return {
        project,
        stage,
        owner: out.Item.owner as string,
        leaseUntil: out.Item.leaseUntil as number,
        acquiredAt: (out.Item.acquiredAt as number | undefined) ?? 0,
      };
    },

    acquirePut(project, stage, owner, now, leaseMs) {
      const leaseUntil = now.getTime() + leaseMs;
      return {
        Put: {
          TableName,
          Item: {
            ...lockKey(project, stage),
            type: "stage-lock",
            owner,
            leaseUntil,
            acquiredAt: now.getTime(),
            expiresAt: Math.ceil(leaseUntil / 1000) + 24 * 3600,
          },
          ConditionExpression: "attribute_not_exists(PK) OR leaseUntil < :now",
          ExpressionAttributeValues: { ":now": now.getTime() },
        },
      };
    },

    async extend(project, stage, owner, now, leaseMs) {
      const leaseUntil = now.getTime() + leaseMs;
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: lockKey(project, stage),
            UpdateExpression: "SET leaseUntil = :until, expiresAt = :exp",
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: {
              ":until": leaseUntil,
              ":exp": Math.ceil(leaseUntil / 1000) + 24 * 3600,
              ":owner": owner,
            },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async release(project, stage, owner) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: lockKey(project, stage),
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
