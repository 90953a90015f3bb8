/**
 * Composition root on AWS Lambda: SDK clients from the environment, the same app through
 * hono/aws-lambda. The deps (the DynamoDB client, the admin secret) are built by the first request
 * that needs them, once per execution environment, not at init: a cold start then costs the first
 * request what that request uses (see `npm run bench`). The CloudFormation and EventBridge adapters
 * are built by their first call (lazy-port.ts).
 */

import path from "node:path";
import { fileURLToPath } from "node:url";
import { handle } from "hono/aws-lambda";
import { createApp } from "../app.js";
import type { StackStatusChangeEvent } from "../deployments/stack-events.js";
import { createLogger, logLevelFrom } from "../http/logger.js";
import { rendererInFolder } from "../http/reference-renderer.js";
import { lazy } from "../lazy.js";
import { required } from "./env.js";

required(process.env, "SWITCHYARD_TABLE_NAME");
const log = createLogger({ level: logLevelFrom(process.env.LOG_LEVEL) });
const deps = lazy(async () => (await import("./lambda-deps.js")).createLambdaDeps(process.env, log));

// The /docs renderer and the portal's build are files beside the bundle (infra/lambda-bundle.ts
// copies them there); each is read on its first request.
const bundleFolder = process.env.LAMBDA_TASK_ROOT ?? path.dirname(fileURLToPath(import.meta.url));
export const app = createApp(
  { log, load: deps },
  { referenceRenderer: rendererInFolder(bundleFolder), portalDir: path.join(bundleFolder, "portal") },
);
export const handler = handle(app);

/** Target of the CloudFormation "Stack Status Change" rule (infra/): reconciles the deployment. */
export const reconcileHandler = async (event: StackStatusChangeEvent) => {
  const { handleStackStatusChange } = await import("../deployments/stack-events.js");
  return handleStackStatusChange(await deps(), event);
};
