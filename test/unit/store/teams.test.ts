import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStore, type Store } from "../../../api/store/index.js";
import { createTestTable } from "../../support/dynamo.js";

let store: Store;
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
  store = createStore(table);
});
afterAll(() => table.destroy());

/** A team as versions before namespaces stored it. */
const legacyTeam = (name: string) =>
  table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: { PK: `TEAM#${name}`, SK: "TEAM", type: "team", name, createdAt: "2026-01-01", createdBy: "k" },
    }),
  );

describe("a team from before namespaces", () => {
  it("gets the default namespace for its name on first use, and keeps it", async () => {
    await legacyTeam("billing");
    expect((await store.teams.get("billing"))?.namespace).toBeUndefined();
    expect(await store.teams.namespaceOf("billing")).toBe("billing");
    expect((await store.teams.get("billing"))?.namespace).toBe("billing");
    expect(await store.teams.namespaceOf("billing")).toBe("billing");
  });

  it("gets the next free one when another team holds its default, and two first uses agree", async () => {
    await store.teams.create({
      name: "audit-team",
      namespace: "audit",
      createdAt: "2026-01-01",
      createdBy: "k",
    });
    await legacyTeam("audit");
    const [first, second] = await Promise.all([
      store.teams.namespaceOf("audit"),
      store.teams.namespaceOf("audit"),
    ]);
    expect(first).toBe("audit-2");
    expect(second).toBe("audit-2");
    expect(await store.teams.namespaceOf("audit-team")).toBe("audit");
  });

  it("with a name no namespace can be (a doubled hyphen) gets its words and a hash", async () => {
    await legacyTeam("old--style");
    expect(await store.teams.namespaceOf("old--style")).toMatch(/^old-style-[0-9a-f]{6}$/);
    expect(await store.teams.namespaceOf("no-such-team")).toBeUndefined();
  });
});
