import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The one table: generic keys, two GSIs (GSI2 is sparse), TTL attribute for clean-up only. */
export const TABLE_KEYS = {
  partitionKey: "PK",
  sortKey: "SK",
  gsi1: { name: "GSI1", partitionKey: "GSI1PK", sortKey: "GSI1SK" },
  gsi2: { name: "GSI2", partitionKey: "GSI2PK", sortKey: "GSI2SK" },
  ttlAttribute: "expiresAt",
} as const;

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const { gsi1, gsi2 } = TABLE_KEYS;
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "PK", AttributeType: "S" },
      { AttributeName: "SK", AttributeType: "S" },
      { AttributeName: gsi1.partitionKey, AttributeType: "S" },
      { AttributeName: gsi1.sortKey, AttributeType: "S" },
      { AttributeName: gsi2.partitionKey, AttributeType: "S" },
      { AttributeName: gsi2.sortKey, AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "PK", KeyType: "HASH" },
      { AttributeName: "SK", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [gsi1, gsi2].map((g) => ({
      IndexName: g.name,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: "HASH" as const },
        { AttributeName: g.sortKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}

/** Creates the table when it does not exist (local server and tests; AWS gets it from infra/). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<"created" | "exists"> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return "exists";
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  // dynalite creates tables asynchronously unless createTableMs is 0; wait until ACTIVE either way.
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === "ACTIVE") return "created";
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** The store's handle on DynamoDB: the document client and the table it works on. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}
