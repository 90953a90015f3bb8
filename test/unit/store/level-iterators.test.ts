/**
 * dynalite 4.0.0 never closed the LevelDB iterators behind Queries and Scans (see
 * api/store/level-iterators.ts): each stayed attached to the database, pinning memory and, on disk,
 * the tables compaction had replaced. These tests count the iterators attached to the database and
 * not yet detached (closed) while Queries run through the DynamoDB API, on disk and in memory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { PutCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoClients, localDynamoConfig } from "../../../api/store/client.js";
import { startDynalite } from "../../../api/store/dynalite.js";
import { abstractLevelCopies } from "../../../api/store/level-iterators.js";
import { ensureTable } from "../../../api/store/table.js";
import { poll } from "../../support/poll.js";

type Resource = { next?: unknown };
type LevelPrototype = {
  attachResource(this: unknown, resource: Resource): void;
  detachResource(this: unknown, resource: Resource): void;
};

/** Iterators attached to a database and not detached yet, across dynalite's backends. */
const openIterators = new Set<Resource>();
const restore: (() => void)[] = [];

beforeAll(() => {
  const load = createRequire(import.meta.url);
  for (const file of abstractLevelCopies()) {
    const proto = (load(file) as { AbstractLevel: { prototype: LevelPrototype } }).AbstractLevel.prototype;
    const { attachResource, detachResource } = proto;
    proto.attachResource = function (resource) {
      if (typeof resource.next === "function") openIterators.add(resource);
      attachResource.call(this, resource);
    };
    proto.detachResource = function (resource) {
      openIterators.delete(resource);
      detachResource.call(this, resource);
    };
    restore.push(() => Object.assign(proto, { attachResource, detachResource }));
  }
});
afterAll(() => {
  for (const undo of restore) undo();
});

async function queriesLeaveNoIteratorOpen(dataPath: string | undefined) {
  const dynamo = await startDynalite(dataPath ? { path: dataPath } : {});
  const { client, doc } = createDynamoClients(localDynamoConfig(dynamo.endpoint));
  try {
    await ensureTable(client, "items");
    for (let i = 0; i < 30; i++) {
      await doc.send(
        new PutCommand({ TableName: "items", Item: { PK: "p", SK: `s${String(i).padStart(2, "0")}` } }),
      );
    }
    const before = openIterators.size;
    const query = (input: Record<string, unknown>) =>
      doc.send(
        new QueryCommand({
          TableName: "items",
          KeyConditionExpression: "PK = :p",
          ExpressionAttributeValues: { ":p": "p" },
          ...input,
        }),
      );
    // Every way the store reads: pages (a Query stopping early), whole partitions, newest first,
    // one item, nothing, and a Scan.
    let page = await query({ Limit: 7 });
    let pages = 1;
    while (page.LastEvaluatedKey) {
      page = await query({ Limit: 7, ExclusiveStartKey: page.LastEvaluatedKey });
      pages++;
    }
    expect(pages).toBe(5);
    expect((await query({})).Items).toHaveLength(30);
    expect((await query({ ScanIndexForward: false, Limit: 1 })).Items?.[0]?.SK).toBe("s29");
    expect((await query({ ExpressionAttributeValues: { ":p": "nothing" } })).Items).toEqual([]);
    expect((await doc.send(new ScanCommand({ TableName: "items", Limit: 3 }))).Items).toHaveLength(3);
    for (let i = 0; i < 50; i++) await query({ Limit: 2 });

    const open = await poll(
      async () => openIterators.size - before,
      (n) => n === 0,
      5_000,
      10,
    );
    expect(open, "LevelDB iterators left open by dynalite's Queries and Scans").toBe(0);
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

describe("dynalite's Queries close their LevelDB iterators", () => {
  it("on disk (classic-level: an open iterator keeps replaced tables on disk)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sy-iterators-"));
    try {
      await queriesLeaveNoIteratorOpen(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("in memory (memory-level, as the test suite's store)", async () => {
    await queriesLeaveNoIteratorOpen(undefined);
  });
});
