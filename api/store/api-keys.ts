import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Role } from "../auth/roles.js";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

/** What a team sees about one of its keys: never the secret, never its hash. */
export interface ApiKey {
  keyId: string;
  name: string;
  team: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
}

/** What authentication needs, found by the key's hash. */
export interface KeyPrincipal {
  keyId: string;
  name: string;
  platformAdmin: boolean;
  team?: string;
  role?: Role;
}

export interface ApiKeyRepository {
  /** Stores a team key under its hash. The listing item goes first: a half-done create leaves a
   * visible, revocable entry rather than a working key nobody can see. */
  create(key: ApiKey, hash: string): Promise<ApiKey>;
  findByHash(hash: string): Promise<KeyPrincipal | undefined>;
  list(team: string, options: { limit: number; cursor?: string }): Promise<Page<ApiKey>>;
  /** Revokes at once (the auth item is deleted first). Undefined when unknown or already revoked. */
  revoke(team: string, keyId: string, revokedAt: string): Promise<ApiKey | undefined>;
  /** Records the first stored platform-admin key; false when one already exists. */
  createBootstrapAdmin(
    principal: { keyId: string; name: string },
    hash: string,
    createdAt: string,
  ): Promise<boolean>;
  hasBootstrapAdmin(): Promise<boolean>;
}

export function apiKeyRepository(table: Table): ApiKeyRepository {
  const { doc, name: TableName } = table;

  return {
    async create(key, hash) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.apiKeyListing(key.team, key.keyId), type: "apiKey", ...key, hash },
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.apiKeyAuth(hash),
            type: "apiKeyAuth",
            keyId: key.keyId,
            name: key.name,
            team: key.team,
            role: key.role,
            platformAdmin: false,
          },
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );
      return key;
    },

    async findByHash(hash) {
      const out = await doc.send(
        new GetCommand({ TableName, Key: keys.apiKeyAuth(hash), ConsistentRead: true }),
      );
      const item = out.Item;
      if (!item) return undefined;
      return {
        keyId: item.keyId as string,
        name: item.name as string,
        platformAdmin: item.platformAdmin === true,
        ...(item.team ? { team: item.team as string } : {}),
        ...(item.role ? { role: item.role as Role } : {}),
      };
    },

    async list(team, { limit, cursor }) {
      const scope = `apikeys:${team}`;
      const after = decodeCursor(scope, cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.team(team).PK, ":prefix": keys.apiKeyListingPrefix },
          Limit: limit,
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: keys.apiKeyListing(team, after) } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toApiKey);
      const last = items.at(-1);
      return {
        items,
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(scope, last.keyId) } : {}),
      };
    },

    async revoke(team, keyId, revokedAt) {
      const listing = await doc.send(
        new GetCommand({ TableName, Key: keys.apiKeyListing(team, keyId), ConsistentRead: true }),
      );
      const item = listing.Item;
      if (!item || item.revokedAt) return undefined;
      await doc.send(new DeleteCommand({ TableName, Key: keys.apiKeyAuth(item.hash as string) }));
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.apiKeyListing(team, keyId),
            UpdateExpression: "SET revokedAt = :at",
            ConditionExpression: "attribute_exists(PK) AND attribute_not_exists(revokedAt)",
            ExpressionAttributeValues: { ":at": revokedAt },
            ReturnValues: "ALL_NEW",
          }),
        );
        return out.Attributes ? toApiKey(out.Attributes) : undefined;
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async createBootstrapAdmin(principal, hash, createdAt) {
      // The key first, then the marker: losing a race to another process deletes our key again,
      // so exactly one bootstrap key ever works.
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...keys.apiKeyAuth(hash),
            type: "apiKeyAuth",
            ...principal,
            platformAdmin: true,
            createdAt,
          },
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...keys.bootstrapAdmin, type: "bootstrapAdmin", keyId: principal.keyId, createdAt },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
        return true;
      } catch (err) {
        await doc.send(new DeleteCommand({ TableName, Key: keys.apiKeyAuth(hash) }));
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    async hasBootstrapAdmin() {
      const out = await doc.send(
        new GetCommand({ TableName, Key: keys.bootstrapAdmin, ConsistentRead: true }),
      );
      return out.Item !== undefined;
    },
  };
}

function toApiKey(item: Record<string, unknown>): ApiKey {
  return {
    keyId: item.keyId as string,
    name: item.name as string,
    team: item.team as string,
    role: item.role as Role,
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
    ...(item.revokedAt ? { revokedAt: item.revokedAt as string } : {}),
  };
}
