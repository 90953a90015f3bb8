/**
 * Composition root on AWS Lambda: SDK clients from the environment, the same app through
 * hono/aws-lambda. Module scope runs once per cold start, so clients are built here, not per request.
 */

import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { handle } from "hono/aws-lambda";
import { createApp } from "../app.js";
import { CloudFormationDeployer } from "../aws/cloudformation.js";
import { AwsBusOps } from "../aws/eventbridge.js";
import { handleStackStatusChange, type StackStatusChangeEvent } from "../deployments/stack-events.js";
import type { AppDeps } from "../deps.js";
import { createLogger } from "../http/logger.js";
import { createDynamoClients } from "../store/client.js";
import { createStore } from "../store/index.js";
import { loadAdminKey } from "./admin-key.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const { doc } = createDynamoClients({ region: process.env.AWS_REGION });
const table = { doc, name: required("SWITCHYARD_TABLE_NAME") };
const deps: AppDeps = {
  log: createLogger({ level: (process.env.LOG_LEVEL as "info") ?? "info" }),
  table,
  store: createStore(table),
  // Top-level await: the secret is read during init, once per cold start, never per request.
  adminKey: await loadAdminKey(process.env),
  now: () => new Date(),
  deployer: new CloudFormationDeployer({
    client: new CloudFormationClient({ region: process.env.AWS_REGION }),
    // The role CloudFormation assumes for user stacks, when infra/ provides one.
    ...(process.env.SWITCHYARD_CFN_ROLE_ARN ? { roleArn: process.env.SWITCHYARD_CFN_ROLE_ARN } : {}),
  }),
  busOps: new AwsBusOps(new EventBridgeClient({ region: process.env.AWS_REGION })),
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
