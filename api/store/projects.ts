import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export interface Project {
  /**
   * Where the project is stored and how every other module names it: `<team>/<name>`, or the bare
   * name for a project from when names were unique across the control plane (api/store/keys.ts).
   */
  key: string;
  name: string;
  team: string;
  createdAt: string;
  createdBy: string;
  /** The newest config version, kept up to date after each post (advisory: configs are the truth). */
  latestVersion?: number;
}

/** The key of a new project: names are unique per team, so the team is part of it. */
export const projectKey = (team: string, name: string): string => `${team}/${name}`;

/** The project name in a key (what users see wherever the key is stored). */
export const projectNameOfKey = (key: string): string => key.slice(key.indexOf("/") + 1);

export class ProjectExistsError extends Error {
  constructor(readonly project: string) {
    super(`project ${project} already exists`);
    this.name = "ProjectExistsError";
  }
}

export type DeleteProjectResult =
  | { deleted: true }
  | { deleted: false; reason: "not-found" }
  | { deleted: false; reason: "deployed"; stages: string[] };

export interface ProjectRepository {
  /**
   * Names are unique per team (another team's project of the same name is no conflict, and nothing
   * tells the caller it exists); throws ProjectExistsError when the team has one of that name.
   */
  create(project: Omit<Project, "key">): Promise<Project>;
  /** By key (what stages and deployments record). */
  get(key: string): Promise<Project | undefined>;
  /** The team's project of that name: one GetItem (two for a project from before per-team names). */
  find(team: string, name: string): Promise<Project | undefined>;
  /** For platform admins, who belong to no team: every team's project of that name. */
  findEverywhere(name: string): Promise<Project[]>;
  /**
   * A team's projects by name, or every project when `team` is undefined (platform admins); with
   * `prefix`, only names starting with it (a key condition, so pages stay full and reads O(page)).
   */
  list(
    team: string | undefined,
    options: { limit: number; cursor?: string; prefix?: string },
  ): Promise<Page<Project>>;
  /** Raises latestVersion to `version` unless it is already at or above it. */
  recordLatestVersion(key: string, version: number): Promise<void>;
  /** Deletes the project and everything in its partition, unless a stage is deployed. */
  delete(key: string): Promise<DeleteProjectResult>;
}

export function projectRepository(table: Table): ProjectRepository {
  const { doc, name: TableName } = table;
  const get = async (key: string) => {
    const out = await doc.send(new GetCommand({ TableName, Key: keys.project(key), ConsistentRead: true }));
    // A project being deleted is already gone for its readers.
    return out.Item && !out.Item.deleting ? toProject(out.Item, key) : undefined;
  };
  return {
    async create(input) {
      // The team's own project from before per-team names holds the name too.
      const legacy = await get(input.name);
      if (legacy?.team === input.team) throw new ProjectExistsError(input.name);
      const project: Project = { key: projectKey(input.team, input.name), ...input };
      // A config post that raced a deletion may have left an item in the partition after it; it
      // must never show up in a new project of the same name, so sweep leftovers first. Only when
      // the project item is absent from the whole read: then nothing in it belongs to a live project.
      const leftovers = await queryAll(table, keys.projectPartition(project.key));
      if (leftovers.some((i) => i.SK === keys.project(project.key).SK))
        throw new ProjectExistsError(project.name);
      await batchDeleteAll(table, leftovers);
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.project(project.key),
              type: "project",
              GSI1PK: keys.teamProjectsIndex(project.team),
              GSI1SK: project.name,
              GSI2PK: keys.allProjectsIndex,
              GSI2SK: project.name,
              ...project,
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) throw new ProjectExistsError(project.name);
        throw err;
      }
      return project;
    },

    get,

    async find(team, name) {
      const found = await get(projectKey(team, name));
      if (found) return found;
      const legacy = await get(name);
      return legacy?.team === team ? legacy : undefined;
    },

    async findEverywhere(name) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: "GSI2",
          KeyConditionExpression: "GSI2PK = :pk AND GSI2SK = :name",
          ExpressionAttributeValues: { ":pk": keys.allProjectsIndex, ":name": name },
        }),
      );
      return (out.Items ?? []).filter((i) => !i.deleting).map((i) => toProject(i));
    },

    async list(team, { limit, cursor, prefix }) {
      const [index, pk, skAttr, pkAttr] =
        team === undefined
          ? (["GSI2", keys.allProjectsIndex, "GSI2SK", "GSI2PK"] as const)
          : (["GSI1", keys.teamProjectsIndex(team), "GSI1SK", "GSI1PK"] as const);
      // The cursor is the last project's key: names repeat across teams in the list of all.
      const after = decodeCursor(pk, cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: index,
          KeyConditionExpression: prefix
            ? `${pkAttr} = :pk AND begins_with(${skAttr}, :prefix)`
            : `${pkAttr} = :pk`,
          ExpressionAttributeValues: { ":pk": pk, ...(prefix ? { ":prefix": prefix } : {}) },
          Limit: limit,
          ...(after
            ? {
                ExclusiveStartKey: {
                  ...keys.project(after),
                  [pkAttr]: pk,
                  [skAttr]: projectNameOfKey(after),
                },
              }
            : {}),
        }),
      );
      const raw = out.Items ?? [];
      const last = raw.at(-1);
      return {
        items: raw.filter((i) => !i.deleting).map((i) => toProject(i)),
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(pk, keyOf(last)) } : {}),
      };
    },

    async recordLatestVersion(key, version) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.project(key),
            UpdateExpression: "SET latestVersion = :v",
            ConditionExpression:
              "attribute_exists(PK) AND (attribute_not_exists(latestVersion) OR latestVersion < :v)",
            ExpressionAttributeValues: { ":v": version },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async delete(key) {
      const pk = keys.projectPartition(key);
      const deployedStages = async () =>
        (await queryAll(table, pk, keys.stagePrefix))
          .filter((s) => s.deployed === true)
          .map((s) => String(s.SK).slice(keys.stagePrefix.length));

      let deployed = await deployedStages();
      if (deployed.length > 0) return { deleted: false, reason: "deployed", stages: deployed };
      // Hide the project first (reads answer 404, so no new config post or deployment starts), then
      // look again for a deployment that started meanwhile.
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: keys.project(key),
            UpdateExpression: "SET deleting = :t",
            ConditionExpression: "attribute_exists(PK) AND attribute_not_exists(deleting)",
            ExpressionAttributeValues: { ":t": true },
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return { deleted: false, reason: "not-found" };
        throw err;
      }
      deployed = await deployedStages();
      if (deployed.length > 0) {
        await doc.send(
          new UpdateCommand({ TableName, Key: keys.project(key), UpdateExpression: "REMOVE deleting" }),
        );
        return { deleted: false, reason: "deployed", stages: deployed };
      }
      // Children first, the project item last: the name only becomes free once nothing is left.
      await batchDeleteAll(
        table,
        (await queryAll(table, pk)).filter((i) => i.SK !== keys.project(key).SK),
      );
      await doc.send(new DeleteCommand({ TableName, Key: keys.project(key) }));
      return { deleted: true };
    },
  };
}

async function queryAll(table: Table, pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: skPrefix ? "PK = :pk AND begins_with(SK, :p)" : "PK = :pk",
        ExpressionAttributeValues: skPrefix ? { ":pk": pk, ":p": skPrefix } : { ":pk": pk },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function batchDeleteAll(table: Table, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await batchDelete(
      table,
      items.slice(i, i + 25).map((c) => ({ PK: c.PK as string, SK: c.SK as string })),
    );
  }
}

async function batchDelete(table: Table, itemKeys: { PK: string; SK: string }[]): Promise<void> {
  let requests = itemKeys.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    const out = await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: requests } }));
    requests = (out.UnprocessedItems?.[table.name] ?? []) as typeof requests;
    if (attempt > 8) throw new Error("DynamoDB kept items unprocessed while deleting a project");
  }
}

/** The key an item is stored under (items from before per-team names carry no `key`). */
const keyOf = (item: Record<string, unknown>): string => String(item.PK).slice("PROJECT#".length);

function toProject(item: Record<string, unknown>, key = keyOf(item)): Project {
  return {
    key,
    name: item.name as string,
    team: item.team as string,
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
    ...(typeof item.latestVersion === "number" ? { latestVersion: item.latestVersion } : {}),
  };
}
