/**
 * The cold-start baseline of a request that reads the store: bare Hono plus the DynamoDB document
 * client, answering `GET /v1/projects` with the same two calls Switchyard makes (the API key by its
 * hash, then the team's projects on GSI1), and nothing else: no validation, no problem+json.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { hashApiKey } from "../../api/auth/secrets.js";
import { keys } from "../../api/store/keys.js";

const TableName = process.env.SWITCHYARD_TABLE_NAME;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION }));
const app = new Hono()
  .get("/healthz", (c) => c.json({ status: "ok", version: "0.1.0" }))
  .get("/v1/projects", async (c) => {
    const secret = c.req.header("authorization")?.slice("Bearer ".length) ?? "";
    const key = await doc.send(
      new GetCommand({ TableName, Key: keys.apiKeyAuth(hashApiKey(secret)), ConsistentRead: true }),
    );
    if (!key.Item) return c.json({ title: "unauthenticated" }, 401);
    const out = await doc.send(
      new QueryCommand({
        TableName,
        IndexName: "GSI1",
        KeyConditionExpression: "GSI1PK = :pk",
        ExpressionAttributeValues: { ":pk": keys.teamProjectsIndex(key.Item.team as string) },
        Limit: 20,
      }),
    );
    return c.json({ items: out.Items ?? [] });
  });
export const handler = handle(app);
