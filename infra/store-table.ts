/**
 * The store's DynamoDB table, built from the same definition the app uses locally
 * (api/store/table.ts), so keys and indexes cannot drift between AWS and dynalite.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { CfnTable } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import { TABLE_KEYS, tableDefinition } from "../api/store/table.js";

export function createStoreTable(scope: Construct, id: string): CfnTable {
  const def = tableDefinition("unused");
  const table = new CfnTable(scope, id, {
    billingMode: def.BillingMode,
    attributeDefinitions: (def.AttributeDefinitions ?? []).map((a) => ({
      attributeName: a.AttributeName!,
      attributeType: a.AttributeType!,
    })),
    keySchema: (def.KeySchema ?? []).map((k) => ({ attributeName: k.AttributeName!, keyType: k.KeyType! })),
    globalSecondaryIndexes: (def.GlobalSecondaryIndexes ?? []).map((g) => ({
      indexName: g.IndexName!,
      keySchema: (g.KeySchema ?? []).map((k) => ({ attributeName: k.AttributeName!, keyType: k.KeyType! })),
      projection: { projectionType: g.Projection?.ProjectionType },
    })),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
    timeToLiveSpecification: { attributeName: TABLE_KEYS.ttlAttribute, enabled: true },
    sseSpecification: { sseEnabled: true },
  });
  // Deployment history and API keys outlive the stack: deleting the stack must not delete them.
  table.applyRemovalPolicy(RemovalPolicy.RETAIN);
  return table;
}
