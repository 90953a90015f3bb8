import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { defaultNamespaceId } from "../teams/namespace.js";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export interface Team {
  name: string;
  description?: string;
  /**
   * The team's namespace id (api/teams/namespace.ts), unique and fixed once given. Teams created
   * before namespaces existed get one on first use (`namespaceOf`).
   */
  namespace?: string;
  createdAt: string;
  createdBy: string;
}

export class TeamExistsError extends Error {
  constructor(readonly team: string) {
    super(`team ${team} already exists`);
    this.name = "TeamExistsError";
  }
}

export class NamespaceTakenError extends Error {
  constructor(readonly namespace: string) {
    super(`namespace ${namespace} is taken`);
    this.name = "NamespaceTakenError";
  }
}

export interface TeamRepository {
  /**
   * Claims the team's namespace (its own, or the default for its name) and stores the team.
   * Throws TeamExistsError when the name is taken, NamespaceTakenError when the namespace is.
   */
  create(team: Team): Promise<Team & { namespace: string }>;
  get(name: string): Promise<Team | undefined>;
  /**
   * The team's namespace id; a team from before namespaces gets the default for its name now (or,
   * if another team holds that, the default with `-2`, `-3`, ...). Undefined for an unknown team.
   */
  namespaceOf(name: string): Promise<string | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<Team>>;
}

export function teamRepository(table: Table): TeamRepository {
  const { doc, name: TableName } = table;

  /** Claims a namespace id for a team; true when the team holds it now (also if it already did). */
  async function claimNamespace(id: string, team: string): Promise<boolean> {
    try {
      await doc.send(
        new PutCommand({
          TableName,
          Item: { ...keys.namespace(id), type: "namespace", team },
          ConditionExpression: "attribute_not_exists(PK) OR team = :team",
          ExpressionAttributeValues: { ":team": team },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  const get = async (name: string) => {
    const out = await doc.send(new GetCommand({ TableName, Key: keys.team(name), ConsistentRead: true }));
    return out.Item ? toTeam(out.Item) : undefined;
  };

  return {
    async create(team) {
      const namespace = team.namespace ?? defaultNamespaceId(team.name);
      if (!(await claimNamespace(namespace, team.name))) throw new NamespaceTakenError(namespace);
      const stored = { ...team, namespace };
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.team(team.name),
              type: "team",
              GSI1PK: keys.teamsIndex,
              GSI1SK: team.name,
              ...stored,
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // The name was taken: give the namespace back unless that team already held it.
        const existing = await get(team.name);
        if (existing?.namespace !== namespace) {
          await doc
            .send(
              new DeleteCommand({
                TableName,
                Key: keys.namespace(namespace),
                ConditionExpression: "team = :team",
                ExpressionAttributeValues: { ":team": team.name },
              }),
            )
            .catch((e) => {
              if (!isConditionFailure(e)) throw e;
            });
        }
        throw new TeamExistsError(team.name);
      }
      return stored;
    },

    get,

    async namespaceOf(name) {
      const team = await get(name);
      if (!team) return undefined;
      if (team.namespace) return team.namespace;
      const base = defaultNamespaceId(name);
      for (let n = 1; ; n++) {
        const id = n === 1 ? base : `${base.slice(0, 20 - String(n).length - 1).replace(/-+$/, "")}-${n}`;
        if (!(await claimNamespace(id, name))) continue;
        // Two first uses may race: the first namespace written stays, and the loser's claim goes.
        try {
          await doc.send(
            new UpdateCommand({
              TableName,
              Key: keys.team(name),
              UpdateExpression: "SET #ns = :id",
              ConditionExpression: "attribute_exists(PK) AND attribute_not_exists(#ns)",
              ExpressionAttributeNames: { "#ns": "namespace" },
              ExpressionAttributeValues: { ":id": id },
            }),
          );
          return id;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          const winner = (await get(name))?.namespace;
          if (winner !== id) await doc.send(new DeleteCommand({ TableName, Key: keys.namespace(id) }));
          return winner;
        }
      }
    },

    async list({ limit, cursor }) {
      const after = decodeCursor(keys.teamsIndex, cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: "GSI1",
          KeyConditionExpression: "GSI1PK = :pk",
          ExpressionAttributeValues: { ":pk": keys.teamsIndex },
          Limit: limit,
          ...(after
            ? { ExclusiveStartKey: { ...keys.team(after), GSI1PK: keys.teamsIndex, GSI1SK: after } }
            : {}),
        }),
      );
      const items = (out.Items ?? []).map(toTeam);
      const last = items.at(-1);
      return {
        items,
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(keys.teamsIndex, last.name) } : {}),
      };
    },
  };
}

function toTeam(item: Record<string, unknown>): Team {
  return {
    name: item.name as string,
    ...(item.description ? { description: item.description as string } : {}),
    ...(typeof item.namespace === "string" ? { namespace: item.namespace } : {}),
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
  };
}
