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
  | { state: "claimed" }
  | { state: "replay"; response: StoredResponse }
  | { state: "mismatch" }
  | { state: "in-progress" };

export interface IdempotencyRepository {
  /**
   * Claims `key` for a request with `requestHash`, or reports what happened to it before.
   * Expired records (past `expiresAt`) count as absent; TTL only cleans them up later.
   */
  claim(
    scope: string,
    key: string,
    requestHash: string,
    now: Date,
    ttlSeconds: number,
  ): Promise<IdempotencyClaim>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed, so the client may retry with the same key. */
  release(scope: string, key: string): Promise<void>;
}

export function idempotencyRepository(table: Table): IdempotencyRepository {
  const { doc, name: TableName } = table;
  return {
    async claim(scope, key, requestHash, now, ttlSeconds) {
      const nowSec = Math.floor(now.getTime() / 1000);
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.idempotency(scope, key),
              type: "idempotency",
              requestHash,
              status: "IN_PROGRESS",
              expiresAt: nowSec + ttlSeconds,
            },
            ConditionExpression: "attribute_not_exists(PK) OR expiresAt < :now",
            ExpressionAttributeValues: { ":now": nowSec },
          }),
        );
        return { state: "claimed" };
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

    async complete(scope, key, response) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: keys.idempotency(scope, key),
          UpdateExpression: "SET #s = :s, #r = :r",
          ExpressionAttributeNames: { "#s": "status", "#r": "response" },
          ExpressionAttributeValues: { ":s": "COMPLETE", ":r": JSON.stringify(response) },
        }),
      );
    },

    async release(scope, key) {
      await doc.send(new DeleteCommand({ TableName, Key: keys.idempotency(scope, key) }));
    },
  };
}
