/**
 * Where the local deployer keeps its stacks: the same DynamoDB table as everything else (dynalite
 * locally), so stacks survive a restart of `npm start` like the rest of the data.
 * Keys, all under PK `LOCALSTACK#<stackName>`:
 *   `EVENT#<ulid>`    its events, in order
 *   `RES#<logicalId>` one item per resource: written when that resource changes, deleted when it goes
 *   `STATE`           the rest of the stack (status, operations, parameters, outputs, exports)
 *   `TEMPLATE`        the template of the last operation, gzipped; written only when it changes
 * A save writes only what changed since the stack was read or last saved, so the bytes written per
 * resource do not grow with the stack. Each item is written whole by one PutItem, so after a crash
 * the resource items still say exactly what exists (see `commit` for the order).
 * Data folders of earlier versions hold the whole stack in `STATE` (`stackGz`, or `stack` before
 * compression); such a stack is read from there and moved to this layout by its next save.
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
import { dict } from "../../prototype-safe.js";
import type { Table } from "../../store/table.js";
import type { ResourceState } from "./handlers/index.js";

/** CONTINUE_ROLLBACK: ContinueUpdateRollback on a stack in UPDATE_ROLLBACK_FAILED. */
export type OperationKind = "CREATE" | "UPDATE" | "DELETE" | "CONTINUE_ROLLBACK";

export interface OperationRecord {
  token: string;
  kind: OperationKind;
  /** The stack status the operation ended in (or is in). */
  status: string;
  /** An event ID below the operation's first event: its events are read from there. */
  since?: string;
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

/** What is in the table for one stack object, as of its last read or save. */
interface Persisted {
  /** The resource states as written, by logical ID; `null`: present, content unknown. */
  resources: Map<string, ResourceState | null>;
  /** The template as written; `null`: unknown. */
  template: Template | undefined | null;
  /** The STATE item's JSON as written (empty: unknown). */
  state: string;
}

type StoredState = Omit<LocalStack, "resources" | "template">;

export class LocalStackStore {
  /**
   * Per stack object (the one an operation works on), what its last read or save put in the table.
   * Resource states are values: the deployer replaces a resource's state, never mutates it, so an
   * unchanged reference means an unchanged item.
   */
  private readonly persisted = new WeakMap<LocalStack, Persisted>();
  /** Stacks read without their resources and template (`describe`): they must not be saved. */
  private readonly partial = new WeakSet<LocalStack>();

  constructor(private readonly table: Table) {}

  /** The whole stack: one Query for its STATE, TEMPLATE and RES# items (events sort before them). */
  async get(stackName: string): Promise<LocalStack | undefined> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: "PK = :pk AND SK >= :first",
          ExpressionAttributeValues: { ":pk": pk(stackName), ":first": RESOURCE_PREFIX },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const stateItem = items.find((i) => i.SK === "STATE");
    if (!stateItem) return undefined;
    const legacy = legacyStack(stateItem);
    if (legacy) return legacy;
    const stack: LocalStack = { ...(JSON.parse(String(stateItem.state)) as StoredState), resources: dict() };
    const persisted: Persisted = {
      resources: new Map(),
      template: undefined,
      state: String(stateItem.state),
    };
    for (const item of items) {
      const sk = String(item.SK);
      if (sk.startsWith(RESOURCE_PREFIX)) {
        const state = unpack<ResourceState>(item);
        stack.resources[sk.slice(RESOURCE_PREFIX.length)] = state;
        persisted.resources.set(sk.slice(RESOURCE_PREFIX.length), state);
      } else if (sk === "TEMPLATE") {
        stack.template = unpack<Template>(item);
        persisted.template = stack.template;
      }
    }
    this.persisted.set(stack, persisted);
    return stack;
  }

  /**
   * The stack without its resources and template: one GetItem of a small item, for `describe`,
   * which polls. The result cannot be saved; read the whole stack to change it.
   */
  async status(stackName: string): Promise<LocalStack | undefined> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { PK: pk(stackName), SK: "STATE" },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const legacy = legacyStack(out.Item);
    if (legacy) return legacy;
    const stack: LocalStack = { ...(JSON.parse(String(out.Item.state)) as StoredState), resources: dict() };
    this.partial.add(stack);
    return stack;
  }

  /** Whether `stack` came from `status` (no resources): read it whole before changing it. */
  isPartial(stack: LocalStack): boolean {
    return this.partial.has(stack);
  }

  /**
   * Saves what changed in the stack since it was read or last saved, with the events that happened
   * since. Order, so a crash at any point leaves a stack the next operation can converge from:
   * events first, then resource items (each one PutItem or DeleteItem, written after the change it
   * records was made), then the template, and the STATE item last, on its own.
   */
  async commit(stack: LocalStack, events: readonly LocalStackEvent[]): Promise<void> {
    if (this.partial.has(stack)) throw new Error(`stack ${stack.stackName} was read without its resources`);
    const before = this.persisted.get(stack) ?? (await this.stored(stack.stackName));
    // Until this save is done, what is stored is unknown: a failed save is redone in full.
    this.persisted.delete(stack);
    const key = pk(stack.stackName);
    const writes: Record<string, unknown>[] = events.map((event) => ({
      PutRequest: { Item: { PK: key, SK: `EVENT#${event.id}`, event } },
    }));
    const resources = new Map<string, ResourceState>();
    for (const [id, state] of Object.entries(stack.resources)) {
      resources.set(id, state);
      if (!sameValue(before.resources.get(id), state))
        writes.push({ PutRequest: { Item: { PK: key, SK: `${RESOURCE_PREFIX}${id}`, ...pack(state) } } });
    }
    for (const id of before.resources.keys()) {
      if (!(id in stack.resources))
        writes.push({ DeleteRequest: { Key: { PK: key, SK: `${RESOURCE_PREFIX}${id}` } } });
    }
    if (!sameValue(before.template, stack.template)) {
      writes.push(
        stack.template
          ? { PutRequest: { Item: { PK: key, SK: "TEMPLATE", ...pack(stack.template, true) } } }
          : { DeleteRequest: { Key: { PK: key, SK: "TEMPLATE" } } },
      );
    }
    const { resources: _r, template: _t, ...rest } = stack;
    const state = JSON.stringify({ ...rest, operations: stack.operations.slice(-MAX_OPERATIONS) });
    await this.batchWrite(stack.stackName, writes);
    if (state !== before.state) {
      await this.table.doc.send(
        // Replaces an earlier version's STATE (with the whole stack in it) as well.
        new PutCommand({ TableName: this.table.name, Item: { PK: key, SK: "STATE", state } }),
      );
    }
    this.persisted.set(stack, { resources, template: stack.template, state });
  }

  /** What is stored for a stack object this store has not read or saved: keys, contents unknown. */
  private async stored(stackName: string): Promise<Persisted> {
    const found: Persisted = { resources: new Map(), template: null, state: "" };
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :res)",
          ExpressionAttributeValues: { ":pk": pk(stackName), ":res": RESOURCE_PREFIX },
          ProjectionExpression: "SK",
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? [])
        found.resources.set(String(item.SK).slice(RESOURCE_PREFIX.length), null);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** BatchWriteItem in chunks of 25, in order, retrying what comes back unprocessed. */
  private async batchWrite(stackName: string, writes: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < writes.length; i += 25) {
      let requests = writes.slice(i, i + 25);
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === 10) throw new Error(`could not save stack ${stackName}: writes left unprocessed`);
        const out = await this.table.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.table.name]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.table.name] ?? []) as typeof requests;
      }
    }
  }

  /** Values of exports by name; names nobody exports are absent. */
  async exports(names: readonly string[]): Promise<Record<string, string>> {
    const found = dict<string>();
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
    const owners = dict<string>();
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

  /**
   * Events of one operation after `afterId` (exclusive), oldest first. `since`: an ID below the
   * operation's first event (its record's `since`), so older operations' events are not read.
   */
  async events(
    stackName: string,
    token: string,
    afterId?: string,
    since?: string,
  ): Promise<LocalStackEvent[]> {
    const from = afterId ?? since;
    const events: LocalStackEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          // Bounded above: the stack's other items (RES#, STATE, TEMPLATE) sort after its events.
          KeyConditionExpression: "PK = :pk AND SK BETWEEN :from AND :last",
          FilterExpression: "#e.#t = :token",
          ExpressionAttributeNames: { "#e": "event", "#t": "token" },
          ExpressionAttributeValues: {
            ":pk": pk(stackName),
            ":token": token,
            ":from": `EVENT#${from ?? ""}`,
            ":last": "EVENT#\uffff",
          },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of out.Items ?? []) {
        // BETWEEN includes the cursor's own event.
        if (afterId === undefined || item.SK !== `EVENT#${afterId}`)
          events.push(item.event as LocalStackEvent);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return events;
  }
}

const pk = (stackName: string) => `LOCALSTACK#${stackName}`;
const RESOURCE_PREFIX = "RES#";
/** Items above this size are gzipped, to stay far below DynamoDB's 400 KB per item. */
const GZIP_ABOVE = 32_000;

function pack(value: unknown, gzip = false): { json: string } | { gz: Uint8Array } {
  const json = JSON.stringify(value);
  return gzip || json.length > GZIP_ABOVE ? { gz: gzipSync(json) } : { json };
}

function unpack<T>(item: Record<string, unknown>): T {
  if (item.gz !== undefined) return JSON.parse(gunzipSync(item.gz as Uint8Array).toString("utf8")) as T;
  return JSON.parse(String(item.json)) as T;
}

/** An earlier version's STATE item, with the whole stack in it (gzipped, or a plain map before that). */
function legacyStack(item: Record<string, unknown>): LocalStack | undefined {
  if (item.stackGz !== undefined)
    return JSON.parse(gunzipSync(item.stackGz as Uint8Array).toString("utf8")) as LocalStack;
  if (item.stack !== undefined) return item.stack as LocalStack;
  return undefined;
}

/** Same stored value: the same reference, or (once after a read from an older format) equal JSON. */
function sameValue(stored: unknown, current: unknown): boolean {
  if (stored === current) return true;
  if (stored === null || stored === undefined || current === undefined) return false;
  return JSON.stringify(stored) === JSON.stringify(current);
}
