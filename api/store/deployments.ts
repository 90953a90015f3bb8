/**
 * Deployments of a stage and their events, in the project's partition:
 *   deployment  SK `DEPLOY#<stage>#<ulid>` (newest first by ULID)   GSI1 `DEPLOY#<ulid>` / `DEPLOY` (by id)
 *   event       SK `DEVENT#<ulid>#<timestamp>#<event id>`           (in order)
 * A new deployment is written right after taking the stage lock (api/store/locks.ts). A deployment
 * leaving the history (api/deployments/retention.ts) gets `expiresAt` (TTL), its events the same.
 */

import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { OutputMap } from "../deployments/outputs.js";
import type { StackEvent, Template } from "../deployments/port.js";
import { isConditionFailure } from "./conditions.js";
import { decodeCursor, encodeCursor, type Page } from "./cursor.js";
import { keys } from "./keys.js";
import type { LockPut } from "./locks.js";
import { packJson, unpackOnUse } from "./packed.js";
import type { Table } from "./table.js";

/** What the retention policy reads of a deployment: the store's history walk returns only this. */
export type HistoryEntry = Pick<Deployment, "id" | "status" | "createdAt" | "finishedAt"> & {
  expiresAt?: number;
};

export type DeploymentStatus = "PENDING" | "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "CANCELLED";
/** `continue-rollback`: ContinueUpdateRollback on a stack stuck in UPDATE_ROLLBACK_FAILED. */
export type DeploymentKind = "deploy" | "rollback" | "teardown" | "continue-rollback";

export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];
export const isTerminal = (s: DeploymentStatus): boolean => TERMINAL_STATUSES.includes(s);

export type { OutputMap };

export interface Deployment {
  id: string;
  project: string;
  stage: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  /** Absent for a teardown. */
  configVersion?: number;
  reason?: string;
  /** The stack status the deployer last reported. */
  stackStatus?: string;
  stackName: string;
  stackId?: string;
  /** The deployer's idempotency token for this deployment's stack operation. */
  token: string;
  /** The stack already matched: nothing was changed. */
  noop?: boolean;
  /** For a rollback: the deployment whose template it re-applies. */
  rollbackOf?: string;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  updatedAt: string;
  finishedAt?: string;
  /** What was applied (absent for a teardown). */
  template?: Template;
  parameters?: Record<string, string>;
  outputMap?: OutputMap;
  warnings?: string[];
  /** The ID of the last stack event copied into this deployment's events. */
  eventCursor?: string;
}

export type DeploymentSummary = Omit<Deployment, "template" | "parameters" | "outputMap" | "eventCursor">;

export class StageLockedError extends Error {
  constructor() {
    super("the stage lock is held");
    this.name = "StageLockedError";
  }
}

export interface DeploymentRepository {
  /** Takes the stage lock for a new deployment and writes it; StageLockedError when the lock is held. */
  createLocked(deployment: Deployment, lock: LockPut): Promise<void>;
  get(id: string): Promise<Deployment | undefined>;
  /** A stage's deployments, newest first. */
  list(
    project: string,
    stage: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<DeploymentSummary>>;
  /**
   * Sets fields unless the deployment is already terminal (a terminal deployment never changes),
   * or `expectCursor` no longer matches. Returns the new state, or undefined when the condition failed.
   */
  update(
    deployment: Deployment,
    fields: Partial<Deployment>,
    options?: { expectCursor?: string | null },
  ): Promise<Deployment | undefined>;
  appendEvents(deployment: Deployment, events: StackEvent[]): Promise<void>;
  /** Deletes a deployment still PENDING whose stack operation was refused before it started. */
  discard(deployment: Deployment): Promise<void>;
  events(project: string, id: string): Promise<StackEvent[]>;
  /**
   * The events stored after `cursor` (from `after`'s previous answer; all when undefined), oldest
   * first, and the cursor to ask from next time: a stream reads each event once, not the whole list
   * on every poll.
   */
  eventsAfter(
    project: string,
    id: string,
    cursor: string | undefined,
  ): Promise<{ events: StackEvent[]; cursor: string | undefined }>;
  /** A stage's whole stored history, newest first, with only what retention reads. */
  history(project: string, stage: string): Promise<HistoryEntry[]>;
  /** Sets when a terminal deployment and its events expire (epoch seconds; TTL deletes them). */
  expire(project: string, stage: string, id: string, expiresAt: number): Promise<void>;
}

const deploymentKey = (project: string, stage: string, id: string) => ({
  PK: keys.projectPartition(project),
  SK: `DEPLOY#${stage}#${id}`,
});
const eventPrefix = (id: string) => `DEVENT#${id}#`;
const LARGE_FIELDS = ["template", "parameters", "outputMap"] as const;

export function deploymentRepository(table: Table): DeploymentRepository {
  const { doc, name: TableName } = table;
  const toItem = (d: Deployment) => {
    const { template, parameters, outputMap, ...rest } = d;
    return {
      ...deploymentKey(d.project, d.stage, d.id),
      GSI1PK: `DEPLOY#${d.id}`,
      GSI1SK: "DEPLOY",
      type: "deployment",
      ...rest,
      // Templates and parameter maps as JSON text: no DynamoDB map marshalling of arbitrary keys.
      ...(template ? { templateJson: packJson(template) } : {}),
      ...(parameters ? { parametersJson: packJson(parameters) } : {}),
      ...(outputMap ? { outputMapJson: packJson(outputMap) } : {}),
    };
  };

  /** Puts items in batches of 25, retrying what DynamoDB leaves unprocessed. */
  const batchPut = async (items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: requests } }));
        requests = (out.UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    }
  };

  const eventsAfter: DeploymentRepository["eventsAfter"] = async (project, id, cursor) => {
    const pk = keys.projectPartition(project);
    const events: StackEvent[] = [];
    // Events sort by timestamp, and each batch appended is newer than the last: a position in
    // the sort order is a cursor. The stream still de-duplicates by event id.
    let start: Record<string, unknown> | undefined = cursor ? { PK: pk, SK: cursor } : undefined;
    let last = cursor;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": pk, ":p": eventPrefix(id) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        events.push(item.event as StackEvent);
        last = item.SK as string;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return { events, cursor: last };
  };

  return {
    // dynalite has no TransactWriteItems, so: the lock first (conditional), then the deployment.
    // A crash in between leaves a lock naming a deployment that does not exist; the next writer
    // clears it (see launch.ts), and its lease bounds it anyway.
    async createLocked(deployment, lock) {
      try {
        await doc.send(new PutCommand(lock.Put));
      } catch (err) {
        if (isConditionFailure(err)) throw new StageLockedError();
        throw err;
      }
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: toItem(deployment),
            ConditionExpression: "attribute_not_exists(PK)",
          }),
        );
      } catch (err) {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: { PK: lock.Put.Item.PK, SK: lock.Put.Item.SK },
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": deployment.id },
          }),
        );
        throw err;
      }
    },

    async get(id) {
      const found = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: "GSI1",
          KeyConditionExpression: "GSI1PK = :pk AND GSI1SK = :sk",
          ExpressionAttributeValues: { ":pk": `DEPLOY#${id}`, ":sk": "DEPLOY" },
          ProjectionExpression: "PK, SK",
          Limit: 1,
        }),
      );
      const key = found.Items?.[0];
      if (!key) return undefined;
      const out = await doc.send(
        new GetCommand({ TableName, Key: { PK: key.PK, SK: key.SK }, ConsistentRead: true }),
      );
      return out.Item ? fromItem(out.Item) : undefined;
    },

    async list(project, stage, { limit, cursor }) {
      const pk = keys.projectPartition(project);
      const scope = `${pk}#${stage}`;
      const after = decodeCursor(scope, cursor);
      const out = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
          ExpressionAttributeValues: { ":pk": pk, ":p": `DEPLOY#${stage}#` },
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
          ...(after ? { ExclusiveStartKey: deploymentKey(project, stage, after) } : {}),
        }),
      );
      const items = (out.Items ?? []).map((i) => summary(fromItem(i)));
      const last = items.at(-1);
      return { items, ...(out.LastEvaluatedKey && last ? { nextCursor: encodeCursor(scope, last.id) } : {}) };
    },

    async update(deployment, fields, options = {}) {
      const set: Record<string, unknown> = { ...fields };
      for (const f of LARGE_FIELDS) {
        if (f in set) {
          set[`${f}Json`] = packJson(set[f]);
          delete set[f];
        }
      }
      const entries = Object.entries(set).filter(([, v]) => v !== undefined);
      const names: Record<string, string> = { "#status": "status" };
      const values: Record<string, unknown> = {
        ":succeeded": "SUCCEEDED",
        ":failed": "FAILED",
        ":cancelled": "CANCELLED",
      };
      for (const [k, v] of entries) {
        names[`#${k}`] = k;
        values[`:${k}`] = v;
      }
      let condition = "attribute_exists(PK) AND NOT #status IN (:succeeded, :failed, :cancelled)";
      if (options.expectCursor !== undefined) {
        names["#eventCursor"] = "eventCursor";
        if (options.expectCursor === null) condition += " AND attribute_not_exists(#eventCursor)";
        else {
          values[":expectCursor"] = options.expectCursor;
          condition += " AND #eventCursor = :expectCursor";
        }
      }
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName,
            Key: deploymentKey(deployment.project, deployment.stage, deployment.id),
            UpdateExpression: `SET ${entries.map(([k]) => `#${k} = :${k}`).join(", ")}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        );
        return fromItem(out.Attributes ?? {});
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async appendEvents(deployment, events) {
      const pk = keys.projectPartition(deployment.project);
      // Same key, same event: re-appending after a retry overwrites with identical content.
      await batchPut(
        events.map((event) => ({
          PK: pk,
          SK: `${eventPrefix(deployment.id)}${event.timestamp}#${event.id}`,
          type: "deployment-event",
          event,
        })),
      );
    },

    async discard(deployment) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName,
            Key: deploymentKey(deployment.project, deployment.stage, deployment.id),
            ConditionExpression: "#status = :pending",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":pending": "PENDING" },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    },

    async events(project, id) {
      return (await eventsAfter(project, id, undefined)).events;
    },

    eventsAfter,

    async history(project, stage) {
      const entries: HistoryEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues: { ":pk": keys.projectPartition(project), ":p": `DEPLOY#${stage}#` },
            ExpressionAttributeNames: { "#status": "status", "#id": "id" },
            ProjectionExpression: "#id, #status, createdAt, finishedAt, expiresAt",
            ScanIndexForward: false,
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        entries.push(...((out.Items ?? []) as HistoryEntry[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return entries;
    },

    async expire(project, stage, id, expiresAt) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: deploymentKey(project, stage, id),
            UpdateExpression: "SET expiresAt = :e",
            ConditionExpression: "attribute_exists(PK) AND #status IN (:succeeded, :failed, :cancelled)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":e": expiresAt,
              ":succeeded": "SUCCEEDED",
              ":failed": "FAILED",
              ":cancelled": "CANCELLED",
            },
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) return;
        throw err;
      }
      // Its events go with it: each is written again with the same expiry (they never change).
      const pk = keys.projectPartition(project);
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues: { ":pk": pk, ":p": eventPrefix(id) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        await batchPut((out.Items ?? []).map((item) => ({ ...item, expiresAt })));
        start = out.LastEvaluatedKey;
      } while (start);
    },
  };
}

function fromItem(item: Record<string, unknown>): Deployment {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1,
    GSI1SK: _g2,
    type: _t,
    expiresAt: _e,
    templateJson,
    parametersJson,
    outputMapJson,
    ...rest
  } = item;
  const deployment = rest as unknown as Deployment;
  // Unpacked on first use: polls and reconciles read the record often and its template rarely.
  if (templateJson !== undefined) unpackOnUse(deployment, "template", templateJson);
  if (parametersJson !== undefined) unpackOnUse(deployment, "parameters", parametersJson);
  if (outputMapJson !== undefined) unpackOnUse(deployment, "outputMap", outputMapJson);
  return deployment;
}

const NOT_IN_SUMMARY = new Set<keyof Deployment>(["template", "parameters", "outputMap", "eventCursor"]);

/** The deployment without what is large or internal; reads no large field (they unpack on use). */
export function summary(d: Deployment): DeploymentSummary {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(d)) {
    if (!NOT_IN_SUMMARY.has(key as keyof Deployment))
      out[key] = (d as unknown as Record<string, unknown>)[key];
  }
  return out as unknown as DeploymentSummary;
}
