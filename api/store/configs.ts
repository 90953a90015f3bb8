import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Config } from "../config/index.js";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, InvalidCursorError, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { Table } from "./table.js";

export interface ConfigAuthor {
  keyId: string;
  name: string;
}

export interface ConfigWarning {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** One immutable, numbered config of a project. */
export interface ConfigVersion {
  project: string;
  version: number;
  /** The text as posted (YAML, or JSON for JSON posts). */
  format: "yaml" | "json";
  source: string;
  /** The parsed, validated config. */
  config: Config;
  /** sha256 of the parsed config in canonical form: equal configs, equal hashes. */
  contentHash: string;
  warnings: ConfigWarning[];
  createdAt: string;
  createdBy: ConfigAuthor;
}

export type ConfigVersionSummary = Omit<ConfigVersion, "source" | "config">;

export class VersionTakenError extends Error {
  constructor(readonly version: number) {
    super(`config version ${version} already exists`);
    this.name = "VersionTakenError";
  }
}

export interface ConfigRepository {
  /** Writes version n; throws VersionTakenError when another writer got there first. */
  put(version: ConfigVersion): Promise<ConfigVersion>;
  get(project: string, version: number): Promise<ConfigVersion | undefined>;
  latest(project: string): Promise<ConfigVersion | undefined>;
  /** Newest first. */
  list(project: string, options: { limit: number; cursor?: string }): Promise<Page<ConfigVersionSummary>>;
}

const SUMMARY_FIELDS = ["project", "version", "format", "contentHash", "warnings", "createdAt", "createdBy"];

export function configRepository(table: Table): ConfigRepository {
  const { doc, name: TableName } = table;
  return {
    async put(version) {
      const { config, ...rest } = version;
      try {
        await doc.send(
          new PutCommand({
            TableName,
            // The parsed config as JSON text: any depth, any number, and no DynamoDB map marshalling.
            Item: {
              ...keys.config(version.project, version.version),
              type: "config",
              ...rest,
              configJson: JSON.stringify(config),
            },
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) throw new VersionTakenError(version.version);
        throw err;
      }
      return version;
    },

    async get(project, version) {
      const out = await doc.send(
        new GetCommand({ TableName, Key: keys.config(project, version), ConsistentRead: true }),
      );
      return out.Item ? toVersion(out.Item) : undefined;
    },

    async latest(project) {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": keys.projectPartition(project), ":p": keys.configPrefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const item = out.Items?.[0];
      return item ? toVersion(item) : undefined;
    },

    async list(project, { limit, cursor }) {
      const pk = keys.projectPartition(project);
      const after = decodeCursor(pk, cursor);
      const afterVersion = after === undefined ? undefined : Number(after);
      if (afterVersion !== undefined && !(Number.isSafeInteger(afterVersion) && afterVersion > 0)) {
        throw new InvalidCursorError();
      }
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": pk, ":p": keys.configPrefix },
          ExpressionAttributeNames: Object.fromEntries(SUMMARY_FIELDS.map((f) => [`#${f}`, f])),
          ProjectionExpression: SUMMARY_FIELDS.map((f) => `#${f}`).join(", "),
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
          ...(afterVersion ? { ExclusiveStartKey: keys.config(project, afterVersion) } : {}),
        }),
      );
      const items = (out.Items ?? []).map(toSummary);
      const last = items.at(-1);
      return {
        items,
        ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(pk, String(last.version)) } : {}),
      };
    },
  };
}

function toSummary(item: Record<string, unknown>): ConfigVersionSummary {
  return {
    project: item.project as string,
    version: item.version as number,
    format: item.format as "yaml" | "json",
    contentHash: item.contentHash as string,
    warnings: (item.warnings as ConfigWarning[] | undefined) ?? [],
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as ConfigAuthor,
  };
}

function toVersion(item: Record<string, unknown>): ConfigVersion {
  return {
    ...toSummary(item),
    source: item.source as string,
    config: JSON.parse(item.configJson as string),
  };
}
