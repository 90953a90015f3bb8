import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Table } from "../../store/table.js";
import type {
  ArchivedEvent,
  ArchiveRecord,
  BusRecord,
  DeadLetterRecord,
  DeliveryRecord,
  FailureDrill,
  ReplayRecord,
  ReplayState,
  RuleRecord,
} from "./records.js";

/**
 * The local engine's state in the one table, under its own key prefix (Query/GetItem only):
 *
 * | PK                           | SK                     | item                                     |
 * |------------------------------|------------------------|------------------------------------------|
 * | LOCALEB#BUS#<bus>            | BUS                    | event bus                                |
 * | LOCALEB#BUS#<bus>            | RULE#<rule>            | rule with its targets                    |
 * | LOCALEB#BUS#<bus>            | ARCHIVE#<archive>      | link: the archives of a bus              |
 * | LOCALEB#ARCHIVE#<archive>    | ARCHIVE                | archive (counters updated per event)     |
 * | LOCALEB#ARCHIVE#<archive>    | EVENT#<time>#<id>      | archived event; expiresAt for clean-up   |
 * | LOCALEB#REPLAY#<replay>      | REPLAY                 | replay                                   |
 * | LOCALEB#REPLAYS              | ACTIVE#<replay>        | marker of a replay not yet finished      |
 * | LOCALEB#DELIVERIES#<bus>     | <ulid>                 | delivery; GSI1 = per rule, same ulid;    |
 * |                              |                        | expiresAt (delivery-log.ts)              |
 * | LOCALEB#DRILLS#<bus>         | <rule>#<target id>     | failure drill on a target (failures.ts)  |
 * | LOCALEB#DLQ#<queue ARN>      | <ulid>                 | dead-lettered event of a target          |
 *
 * Retention is enforced when reading archived events; the TTL attribute only cleans up.
 */
const busKey = (bus: string) => `LOCALEB#BUS#${bus}`;
const archiveKey = (archive: string) => `LOCALEB#ARCHIVE#${archive}`;
const replayKey = (replay: string) => `LOCALEB#REPLAY#${replay}`;
const ACTIVE_REPLAYS = "LOCALEB#REPLAYS";
const deliveriesKey = (bus: string) => `LOCALEB#DELIVERIES#${bus}`;
const ruleDeliveriesKey = (bus: string, rule: string) => `LOCALEB#DELIVERIES#${bus}#RULE#${rule}`;
const drillsKey = (bus: string) => `LOCALEB#DRILLS#${bus}`;
const deadLettersKey = (queueArn: string) => `LOCALEB#DLQ#${queueArn}`;
const eventSortKey = (time: string, id: string) => `EVENT#${time}#${id}`;

const DATA = "data";

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. */
  next?: string;
}

const encodeToken = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString("base64url") : undefined;

function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return typeof key === "object" && key !== null ? key : undefined;
  } catch {
    return undefined;
  }
}

export class InvalidTokenError extends Error {}

export class EngineStore {
  constructor(private readonly table: Table) {}

  private async get<T>(PK: string, SK: string): Promise<T | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: { PK, SK } }));
    return out.Item?.[DATA] as T | undefined;
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: item }));
  }

  /**
   * A conditional put that only creates. Items that belong together (an archive and its link, a
   * replay and its marker) are written one after the other: dynalite has no TransactWriteItems.
   */
  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: item,
          ConditionExpression: "attribute_not_exists(PK)",
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
  }

  private async delete(PK: string, SK: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: { PK, SK } }));
  }

  private async query<T>(input: Omit<QueryCommandInput, "TableName">, token?: string): Promise<Page<T>> {
    const start = decodeToken(token);
    // A token only continues the partition it came from: anything else is refused, not obeyed.
    const partition = input.ExpressionAttributeValues?.[":pk"];
    const partitionKey = input.IndexName === "GSI1" ? "GSI1PK" : "PK";
    if (token && start?.[partitionKey] !== partition) {
      throw new InvalidTokenError("The pagination token is not valid.");
    }
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        ...input,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => item[DATA] as T),
      ...(out.LastEvaluatedKey ? { next: encodeToken(out.LastEvaluatedKey) } : {}),
    };
  }

  private async queryAll<T>(input: Omit<QueryCommandInput, "TableName">): Promise<T[]> {
    const all: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.query<T>(input, token);
      all.push(...page.items);
      token = page.next;
    } while (token);
    return all;
  }

  // Buses

  getBus(name: string) {
    return this.get<BusRecord>(busKey(name), "BUS");
  }

  /** false when the bus already exists. */
  createBus(bus: BusRecord): Promise<boolean> {
    return this.putIfAbsent({ PK: busKey(bus.name), SK: "BUS", [DATA]: bus });
  }

  async deleteBus(name: string): Promise<void> {
    await this.table.doc.send(
      new DeleteCommand({ TableName: this.table.name, Key: { PK: busKey(name), SK: "BUS" } }),
    );
  }

  // Rules

  getRule(bus: string, name: string) {
    return this.get<RuleRecord>(busKey(bus), `RULE#${name}`);
  }

  putRule(rule: RuleRecord): Promise<void> {
    return this.put({ PK: busKey(rule.bus), SK: `RULE#${rule.name}`, [DATA]: rule });
  }

  deleteRule(bus: string, name: string): Promise<void> {
    return this.delete(busKey(bus), `RULE#${name}`);
  }

  listRules(bus: string, options: { prefix?: string; limit?: number; token?: string } = {}) {
    return this.query<RuleRecord>(
      {
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues: { ":pk": busKey(bus), ":sk": `RULE#${options.prefix ?? ""}` },
        ...(options.limit ? { Limit: options.limit } : {}),
      },
      options.token,
    );
  }

  allRules(bus: string) {
    return this.queryAll<RuleRecord>({
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
      ExpressionAttributeValues: { ":pk": busKey(bus), ":sk": "RULE#" },
    });
  }

  // Archives

  getArchive(name: string) {
    return this.get<ArchiveRecord>(archiveKey(name), "ARCHIVE");
  }

  /** The archive, then its link under the bus; false when the name is taken. */
  async createArchive(archive: ArchiveRecord): Promise<boolean> {
    if (!(await this.putIfAbsent({ PK: archiveKey(archive.name), SK: "ARCHIVE", [DATA]: archive })))
      return false;
    await this.put({ PK: busKey(archive.bus), SK: `ARCHIVE#${archive.name}`, [DATA]: archive.name });
    return true;
  }

  putArchive(archive: ArchiveRecord): Promise<void> {
    return this.put({ PK: archiveKey(archive.name), SK: "ARCHIVE", [DATA]: archive });
  }

  async deleteArchive(archive: ArchiveRecord): Promise<void> {
    await this.delete(busKey(archive.bus), `ARCHIVE#${archive.name}`);
    await this.delete(archiveKey(archive.name), "ARCHIVE");
    await this.deletePartition(archiveKey(archive.name), "EVENT#");
  }

  /** Every item of a partition (whose sort key starts with `skPrefix`), a page at a time. */
  private async deletePartition(pk: string, skPrefix?: string): Promise<void> {
    // Each pass starts over: the previous page is gone.
    for (;;) {
      const keys = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          ...(skPrefix
            ? {
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
                ExpressionAttributeValues: { ":pk": pk, ":sk": skPrefix },
              }
            : { KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": pk } }),
          ProjectionExpression: "PK, SK",
          Limit: 100,
        }),
      );
      const items = keys.Items ?? [];
      if (items.length === 0) break;
      await this.batchWrite(items.map((Key) => ({ DeleteRequest: { Key } })));
      if (!keys.LastEvaluatedKey) break;
    }
  }

  async archiveNamesOfBus(bus: string): Promise<string[]> {
    return this.queryAll<string>({
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :sk)",
      ExpressionAttributeValues: { ":pk": busKey(bus), ":sk": "ARCHIVE#" },
    });
  }

  /** Stores events in their archives and bumps each archive's counters. */
  async putArchivedEvents(events: { record: ArchivedEvent; expiresAt?: number; sizeBytes: number }[]) {
    if (events.length === 0) return;
    await this.batchWrite(
      events.map(({ record, expiresAt }) => ({
        PutRequest: {
          Item: {
            PK: archiveKey(record.archive),
            SK: eventSortKey(record.event.time, record.event.id),
            [DATA]: record,
            ...(expiresAt ? { expiresAt } : {}),
          },
        },
      })),
    );
    const totals = new Map<string, { count: number; bytes: number }>();
    for (const { record, sizeBytes } of events) {
      const t = totals.get(record.archive) ?? { count: 0, bytes: 0 };
      t.count += 1;
      t.bytes += sizeBytes;
      totals.set(record.archive, t);
    }
    await Promise.all(
      [...totals].map(([archive, t]) =>
        this.table.doc
          .send(
            new UpdateCommand({
              TableName: this.table.name,
              Key: { PK: archiveKey(archive), SK: "ARCHIVE" },
              UpdateExpression: "SET #d.eventCount = #d.eventCount + :c, #d.sizeBytes = #d.sizeBytes + :b",
              ConditionExpression: "attribute_exists(PK)",
              ExpressionAttributeNames: { "#d": DATA },
              ExpressionAttributeValues: { ":c": t.count, ":b": t.bytes },
            }),
          )
          .catch((err: Error) => {
            // The archive was deleted meanwhile: its counters no longer matter.
            if (err.name !== "ConditionalCheckFailedException") throw err;
          }),
      ),
    );
  }

  /** Archived events whose event time lies in [from, to] (second-precision envelope times), in time order. */
  archivedEvents(archive: string, from: string, to: string, token?: string) {
    return this.query<ArchivedEvent>(
      {
        KeyConditionExpression: "PK = :pk AND SK BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": archiveKey(archive),
          ":from": `EVENT#${from}`,
          // "~" sorts after every id character, so the bound includes events at exactly `to`.
          ":to": `EVENT#${to}#~`,
        },
        Limit: 100,
      },
      token,
    );
  }

  /** The newest `limit` events of an archive (by event time), newest first. */
  async newestArchivedEvents(archive: string, limit: number): Promise<ArchivedEvent[]> {
    return (
      await this.query<ArchivedEvent>({
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :e)",
        ExpressionAttributeValues: { ":pk": archiveKey(archive), ":e": "EVENT#" },
        ScanIndexForward: false,
        Limit: limit,
      })
    ).items;
  }

  // Replays

  getReplay(name: string) {
    return this.get<ReplayRecord>(replayKey(name), "REPLAY");
  }

  async activeReplayCount(): Promise<number> {
    return (await this.activeReplayNames()).length;
  }

  /** Names of the replays marked active (what counts against the limit). */
  activeReplayNames(): Promise<string[]> {
    return this.queryAll<string>({
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": ACTIVE_REPLAYS },
    });
  }

  /** Drops the active marker of a replay that ended (or is gone) without it being removed. */
  forgetActiveReplay(name: string): Promise<void> {
    return this.delete(ACTIVE_REPLAYS, `ACTIVE#${name}`);
  }

  /** The replay, then its active marker; false when the name is taken. */
  async createReplay(replay: ReplayRecord): Promise<boolean> {
    if (!(await this.putIfAbsent({ PK: replayKey(replay.name), SK: "REPLAY", [DATA]: replay }))) return false;
    await this.put({ PK: ACTIVE_REPLAYS, SK: `ACTIVE#${replay.name}`, [DATA]: replay.name });
    return true;
  }

  /**
   * Writes the replay if its stored state is one of `from`; false otherwise (someone else moved it).
   * A terminal state also removes the active marker.
   */
  async updateReplay(replay: ReplayRecord, from: ReplayState[]): Promise<boolean> {
    const terminal =
      replay.state === "COMPLETED" || replay.state === "CANCELLED" || replay.state === "FAILED";
    const names = { "#d": DATA, "#s": "state" };
    const values = Object.fromEntries(from.map((state, i) => [`:s${i}`, state]));
    const condition = `#d.#s IN (${from.map((_, i) => `:s${i}`).join(", ")})`;
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { PK: replayKey(replay.name), SK: "REPLAY", [DATA]: replay },
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") return false;
      throw err;
    }
    if (terminal) await this.delete(ACTIVE_REPLAYS, `ACTIVE#${replay.name}`);
    return true;
  }

  // Failure drills and dead letters (failures.ts)

  drillsOfBus(bus: string): Promise<FailureDrill[]> {
    return this.queryAll<FailureDrill>({
      KeyConditionExpression: "PK = :pk",
      ExpressionAttributeValues: { ":pk": drillsKey(bus) },
      ConsistentRead: true,
    });
  }

  putDrill(drill: FailureDrill): Promise<void> {
    return this.put({ PK: drillsKey(drill.bus), SK: `${drill.rule}#${drill.targetId}`, [DATA]: drill });
  }

  deleteDrill(bus: string, rule: string, targetId: string): Promise<void> {
    return this.delete(drillsKey(bus), `${rule}#${targetId}`);
  }

  async putDeadLetters(letters: readonly DeadLetterRecord[]): Promise<void> {
    await this.batchWrite(
      letters.map((d) => ({ PutRequest: { Item: { PK: deadLettersKey(d.queueArn), SK: d.id, [DATA]: d } } })),
    );
  }

  /** A dead-letter queue's messages, oldest first (as a queue hands them out). */
  listDeadLetters(queueArn: string, options: { limit: number; token?: string }) {
    return this.query<DeadLetterRecord>(
      {
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": deadLettersKey(queueArn) },
        Limit: options.limit,
      },
      options.token,
    );
  }

  purgeDeadLetters(queueArn: string): Promise<void> {
    return this.deletePartition(deadLettersKey(queueArn));
  }

  async deleteDeadLetters(queueArn: string, ids: readonly string[]): Promise<void> {
    await this.batchWrite(
      ids.map((id) => ({ DeleteRequest: { Key: { PK: deadLettersKey(queueArn), SK: id } } })),
    );
  }

  // Deliveries

  /** Deliveries, each to be deleted after `expiresAt` (epoch seconds; see delivery-log.ts). */
  async putDeliveries(deliveries: readonly DeliveryRecord[], expiresAt: number): Promise<void> {
    await this.batchWrite(
      deliveries.map((d) => ({
        PutRequest: {
          Item: {
            PK: deliveriesKey(d.bus),
            SK: d.id,
            GSI1PK: ruleDeliveriesKey(d.bus, d.rule),
            GSI1SK: d.id,
            [DATA]: d,
            expiresAt,
          },
        },
      })),
    );
  }

  /** Deletes the bus's deliveries older than its newest `keep`, at most `maxDeletes` of them. */
  async trimDeliveries(bus: string, keep: number, maxDeletes: number): Promise<void> {
    const newest = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": deliveriesKey(bus) },
        ProjectionExpression: "PK, SK",
        ScanIndexForward: false,
        Limit: keep,
      }),
    );
    let start = newest.LastEvaluatedKey;
    let deleted = 0;
    while (start && deleted < maxDeletes) {
      const older = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": deliveriesKey(bus) },
          ProjectionExpression: "PK, SK",
          ScanIndexForward: false,
          Limit: Math.min(100, maxDeletes - deleted),
          ExclusiveStartKey: start,
        }),
      );
      const items = older.Items ?? [];
      await this.batchWrite(items.map((Key) => ({ DeleteRequest: { Key } })));
      deleted += items.length;
      start = older.LastEvaluatedKey;
    }
  }

  /** The bus's whole delivery log (its per-rule index entries go with the items). */
  deleteDeliveries(bus: string): Promise<void> {
    return this.deletePartition(deliveriesKey(bus));
  }

  /** Newest first; with `rule`, only that rule's deliveries (GSI1). */
  listDeliveries(bus: string, options: { rule?: string; limit: number; token?: string }) {
    return this.query<DeliveryRecord>(
      options.rule
        ? {
            IndexName: "GSI1",
            KeyConditionExpression: "GSI1PK = :pk",
            ExpressionAttributeValues: { ":pk": ruleDeliveriesKey(bus, options.rule) },
            ScanIndexForward: false,
            Limit: options.limit,
          }
        : {
            KeyConditionExpression: "PK = :pk",
            ExpressionAttributeValues: { ":pk": deliveriesKey(bus) },
            ScanIndexForward: false,
            Limit: options.limit,
          },
      options.token,
    );
  }

  /** BatchWriteItem in chunks of 25, retrying what DynamoDB leaves unprocessed. */
  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt)));
        const out = await this.table.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.table.name]: pending as never } }),
        );
        pending = out.UnprocessedItems?.[this.table.name] as Record<string, unknown>[] | undefined;
      }
    }
  }
}
