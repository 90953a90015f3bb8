/**
 * Where the local deployer keeps its stacks: the same DynamoDB table as everything else (dynalite
 * locally), so stacks survive a restart of `npm start` like the rest of the data.
 * Keys: PK `LOCALSTACK#<stackName>`; SK `STATE` (the stack) and `EVENT#<ulid>` (its events, in order).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import type { StackEvent, Template } from "../../deployments/port.js";
import type { Table } from "../../store/table.js";
import type { ResourceState } from "./resource-types.js";

export type OperationKind = "CREATE" | "UPDATE" | "DELETE";

export interface OperationRecord {
  token: string;
  kind: OperationKind;
  /** The stack status the operation ended in (or is in). */
  status: string;
  reason?: string;
}

export interface LocalStack {
  stackName: string;
  stackId: string;
  status: string;
  statusReason?: string;
  /** The template and parameters of the last operation (applied, or being applied). */
  template?: Template;
  parameters: Record<string, string>;
  resources: Record<string, ResourceState>;
  outputs: Record<string, string>;
  /** The most recent operations, newest last; tells `describe` how an older token ended. */
  operations: OperationRecord[];
  /** Names this stack exports (Outputs with Export), for Fn::ImportValue in other stacks. */
  exports?: string[];
}

export interface LocalStackEvent extends StackEvent {
  token: string;
}

const MAX_OPERATIONS = 20;

export class ExportTakenError extends Error {
  constructor(name: string, owner: string) {
    super(`Export with name ${name} is already exported by stack ${owner}`);
    this.name = "ExportTakenError";
  }
}

const exportKey = (name: string) => ({ PK: `LOCALEXPORT#${name}`, SK: "EXPORT" });

export class LocalStackStore {
  constructor(private readonly table: Table) {}

  async get(stackName: string): Promise<LocalStack | undefined> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { PK: pk(stackName), SK: "STATE" },
        ConsistentRead: true,
      }),
    );
    const stored = out.Item?.stackGz;
    // Data folders written before compression keep the plain map.
    if (stored === undefined) return out.Item?.stack as LocalStack | undefined;
    return JSON.parse(gunzipSync(stored as Uint8Array).toString("utf8")) as LocalStack;
  }

  /**
   * Saves the stack and the events that happened since the last save, in as few round trips as
   * BatchWriteItem allows (25 items each); the stack goes in the last batch, after its events.
   */
  async commit(stack: LocalStack, events: readonly LocalStackEvent[]): Promise<void> {
    const trimmed = { ...stack, operations: stack.operations.slice(-MAX_OPERATIONS) };
    const items = [
      ...events.map((event) => ({ PK: pk(stack.stackName), SK: `EVENT#${event.id}`, event })),
      // Gzipped: a stack's template and resource records stay far below DynamoDB's 400 KB per item.
      { PK: pk(stack.stackName), SK: "STATE", stackGz: gzipSync(JSON.stringify(trimmed)) },
    ];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 10)
          throw new Error(`could not save stack ${stack.stackName}: writes left unprocessed`);
        const out = await this.table.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.table.name]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.table.name] ?? []) as typeof requests;
      }
    }
  }

  /** Values of exports by name; names nobody exports are absent. */
  async exports(names: readonly string[]): Promise<Record<string, string>> {
    const found: Record<string, string> = {};
    for (const name of new Set(names)) {
      const out = await this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: exportKey(name), ConsistentRead: true }),
      );
      if (out.Item) found[name] = out.Item.value as string;
    }
    return found;
  }

  /** Which stack owns each of these export names (absent: nobody). */
  async exportOwners(names: readonly string[]): Promise<Record<string, string>> {
    const owners: Record<string, string> = {};
    for (const name of new Set(names)) {
      const out = await this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: exportKey(name), ConsistentRead: true }),
      );
      if (out.Item) owners[name] = out.Item.stackName as string;
    }
    return owners;
  }

  /** Exports `value` under `name` for `stackName`; another stack's export of that name is an error. */
  async putExport(name: string, value: string, stackName: string): Promise<void> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...exportKey(name), value, stackName },
          ConditionExpression: "attribute_not_exists(PK) OR stackName = :me",
          ExpressionAttributeValues: { ":me": stackName },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
      const out = await this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: exportKey(name) }),
      );
      throw new ExportTakenError(name, String(out.Item?.stackName));
    }
  }

  async deleteExport(name: string, stackName: string): Promise<void> {
    try {
      await this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: exportKey(name),
          ConditionExpression: "stackName = :me",
          ExpressionAttributeValues: { ":me": stackName },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== "ConditionalCheckFailedException") throw err;
    }
  }

  /** Events of one operation after `afterId` (exclusive), oldest first. */
  async events(stackName: string, token: string, afterId?: string): Promise<LocalStackEvent[]> {
    const events: LocalStackEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: afterId
            ? "PK = :pk AND SK > :after"
            : "PK = :pk AND begins_with(SK, :prefix)",
          FilterExpression: "#e.#t = :token",
          ExpressionAttributeNames: { "#e": "event", "#t": "token" },
          ExpressionAttributeValues: {
            ":pk": pk(stackName),
            ":token": token,
            ...(afterId ? { ":after": `EVENT#${afterId}` } : { ":prefix": "EVENT#" }),
          },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) {
        if (String(item.SK).startsWith("EVENT#")) events.push(item.event as LocalStackEvent);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}

const pk = (stackName: string) => `LOCALSTACK#${stackName}`;
