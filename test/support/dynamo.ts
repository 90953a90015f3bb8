import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { createDynamoClients, localDynamoConfig } from "../../api/store/client.js";
import { ensureTable, type Table } from "../../api/store/table.js";

/** A fresh, empty table in the run's shared dynalite: each test file gets its own data. */
export async function createTestTable(): Promise<Table & { destroy(): void }> {
  const { client, doc } = createDynamoClients(localDynamoConfig(inject("dynamoEndpoint")));
  const name = `t-${randomUUID()}`;
  await ensureTable(client, name);
  return { doc, name, destroy: () => client.destroy() };
}
