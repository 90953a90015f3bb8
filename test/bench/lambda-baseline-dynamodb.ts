/**
 * A second cold-start baseline: bare Hono plus the DynamoDB document client built at init, the
 * least any handler that reads Switchyard's store must load.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION }));
const app = new Hono().get("/healthz", (c) =>
  c.json({ status: "ok", version: "0.1.0", store: doc.config.region === undefined ? "unset" : "ready" }),
);
export const handler = handle(app);
