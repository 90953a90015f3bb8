/**
 * Composition root on AWS Lambda: SDK clients from the environment, the same app through
 * hono/aws-lambda. Module scope runs once per cold start, so the store's client is built here, not per
 * request; the CloudFormation and EventBridge adapters are built by their first call (lazy-port.ts).
 */

import { handle } from "hono/aws-lambda";
import { createApp } from "../app.js";
import type { BusOps } from "../buses/port.js";
import type { Deployer } from "../deployments/port.js";
import { handleStackStatusChange, type StackStatusChangeEvent } from "../deployments/stack-events.js";
import type { AppDeps } from "../deps.js";
import { createLogger, logLevelFrom } from "../http/logger.js";
import { createDynamoClients } from "../store/client.js";
import { createStore } from "../store/index.js";
import { loadAdminKey } from "./admin-key.js";
import { onFirstCall } from "./lazy-port.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const { doc } = createDynamoClients({ region: process.env.AWS_REGION });
const table = { doc, name: required("SWITCHYARD_TABLE_NAME") };
const deps: AppDeps = {
  log: createLogger({ level: logLevelFrom(process.env.LOG_LEVEL) }),
  table,
  store: createStore(table),
  // Top-level await: the secret is read during init, once per cold start, never per request.
  adminKey: await loadAdminKey(process.env),
  now: () => new Date(),
  // CloudFormation and EventBridge (SDK clients included) load on the first request that needs them:
  // most requests read the store only, and every cold start would otherwise parse both SDKs.
  deployer: onFirstCall<Deployer>(async () =>
    (await import("./aws-adapters.js")).createDeployer(process.env),
  ),
  busOps: onFirstCall<BusOps>(async () => (await import("./aws-adapters.js")).createBusOps(process.env), {
    kind: "aws",
  }),
  deploymentSettings: {
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
    // infra/ scopes IAM to stacks and resources named with this prefix.
    ...(process.env.SWITCHYARD_STACK_PREFIX ? { stackPrefix: process.env.SWITCHYARD_STACK_PREFIX } : {}),
    // ... and lets it create only roles that carry this boundary.
    ...(process.env.SWITCHYARD_PERMISSIONS_BOUNDARY_ARN
      ? { permissionsBoundary: process.env.SWITCHYARD_PERMISSIONS_BOUNDARY_ARN }
      : {}),
  },
};

export const app = createApp(deps);
export const handler = handle(app);

/** Target of the CloudFormation "Stack Status Change" rule (infra/): reconciles the deployment. */
export const reconcileHandler = (event: StackStatusChangeEvent) => handleStackStatusChange(deps, event);
