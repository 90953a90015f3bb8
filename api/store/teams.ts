import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export interface Team {
  name: string;
  description?: string;
  createdAt: string;
  createdBy: string;
}

export class TeamExistsError extends Error {
  constructor(readonly team: string) {
    super(`team ${team} already exists`);
    this.name = "TeamExistsError";
  }
}

export interface TeamRepository {
  /** Throws TeamExistsError when the name is taken. */
  create(team: Team): Promise<Team>;
  get(name: string): Promise<Team | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<Team>>;
}

export function teamRepository(table: Table): TeamRepository {
  const { doc, name: TableName } = table;
  return {
    async create(team) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.team(team.name),
              type: "team",
              GSI1PK: keys.teamsIndex,
              GSI1SK: team.name,
              ...team,
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) throw new TeamExistsError(team.name);
        throw err;
      }
      return team;
    },

    async get(name) {
      const out = await doc.send(new GetCommand({ TableName, Key: keys.team(name), ConsistentRead: true }));
      return out.Item ? toTeam(out.Item) : undefined;
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
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
  };
}
