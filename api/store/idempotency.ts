import { randomUUID } from "node:crypto";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

/** The first response to an idempotent request, replayed to later requests with the same key. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyClaim =
  /** `claimId` names this claim: only it may complete or release the record. */
  | { state: "claimed"; claimId: string }
  | { state: "replay"; response: StoredResponse }
  | { state: "mismatch" }
  | { state: "in-progress" };

export interface IdempotencyRepository {
  /**
   * Claims `key` for a request with `requestHash`, or reports what happened to it before.
   * Expired records (past `expiresAt`) count as absent; TTL only cleans them up later. A claim
   * still in progress past its lease (`leaseSeconds` after it was taken) belongs to a request that
   * died with its process: the same request may take it over.
   */
  claim(
    scope: string,
    key: string,
    requestHash: string,
    now: Date,
    ttlSeconds: number,
    leaseSeconds: number,
  ): Promise<IdempotencyClaim>;
  /** Stores the response, if the claim is still this one's (not taken over after its lease). */
  complete(scope: string, key: string, claimId: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed, so the client may retry with the same key. */
  release(scope: string, key: string, claimId: string): Promise<void>;
}

export function idempotencyRepository(table: Table): IdempotencyRepository {
  const { doc, name: TableName } = table;
  return {
    async claim(scope, key, requestHash, now, ttlSeconds, leaseSeconds) {
      const nowSec = Math.floor(now.getTime() / 1000);
      const claimId = randomUUID();
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.idempotency(scope, key),
              type: "idempotency",
              requestHash,
              status: "IN_PROGRESS",
              claimId,
              leaseUntil: nowSec + leaseSeconds,
              expiresAt: nowSec + ttlSeconds,
            },
            // Records from before leases have no leaseUntil: they stay in progress until they expire.
            ConditionExpression:
              "attribute_not_exists(PK) OR expiresAt < :now OR (#s = :inProgress AND requestHash = :hash AND leaseUntil < :now)",
            ExpressionAttributeNames: { "#s": "status" },
            ExpressionAttributeValues: { ":now": nowSec, ":inProgress": "IN_PROGRESS", ":hash": requestHash },
          }),
        );
        return { state: "claimed", claimId };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const out = await doc.send(
        new GetCommand({ TableName, Key: keys.idempotency(scope, key), ConsistentRead: true }),
      );
      const item = out.Item;
      // Released between our put and get: let the client retry rather than guess.
      if (!item) return { state: "in-progress" };
      if (item.requestHash !== requestHash) return { state: "mismatch" };
      if (item.status !== "COMPLETE") return { state: "in-progress" };
      return { state: "replay", response: JSON.parse(item.response as string) as StoredResponse };
    },

    async complete(scope, key, claimId, response) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.idempotency(scope, key),
            UpdateExpression: "SET #s = :s, #r = :r REMOVE leaseUntil",
            ConditionExpression: "claimId = :claim",
            ExpressionAttributeNames: { "#s": "status", "#r": "response" },
            ExpressionAttributeValues: {
              ":s": "COMPLETE",
              ":r": JSON.stringify(response),
              ":claim": claimId,
            },
          }),
        );
      } catch (err) {
        // Taken over after the lease: the request that took it stores its own response.
        if (!isConditionFailure(err)) throw err;
      }
    },

    async release(scope, key, claimId) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: keys.idempotency(scope, key),
            ConditionExpression: "claimId = :claim",
            ExpressionAttributeValues: { ":claim": claimId },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },
  };
}
