import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("the local entry (npm start)", () => {
  it("serves the API and keeps its data across a restart with the same data folder", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "switchyard-"));
    dirs.push(dataDir);
    const printed: string[] = [];
    const opts = { port: 0, dataDir, log: silentLogger, print: (l: string) => printed.push(l) };

    const first = await startLocal(opts);
    expect(printed.join("\n")).toContain(`${first.url}/docs`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const { doc, name } = first.deps.table;
    await doc.send(new PutCommand({ TableName: name, Item: { PK: "TEST#restart", SK: "META", value: 42 } }));
    await first.close();

    const second = await startLocal(opts);
    try {
      const out = await second.deps.table.doc.send(
        new GetCommand({ TableName: name, Key: { PK: "TEST#restart", SK: "META" } }),
      );
      expect(out.Item?.value).toBe(42);
    } finally {
      await second.close();
    }
  });
});
