/** The Lambda's deps, built from its environment (infra/ sets the variables). */
import type { DeadLetterQueues } from "../buses/dead-letters.js";
import type { RuleMetrics } from "../buses/health.js";
import type { BusOps } from "../buses/port.js";
import type { Deployer } from "../deployments/port.js";
import type { AppDeps } from "../deps.js";
import type { Logger } from "../http/logger.js";
import { createDynamoClients } from "../store/client.js";
import { createStore } from "../store/index.js";
import { loadAdminKey } from "./admin-key.js";
import { type Env, required } from "./env.js";
import { onFirstCall } from "./lazy-port.js";
import { deploymentRetentionFrom } from "./retention-env.js";

export async function createLambdaDeps(env: Env, log: Logger): Promise<AppDeps> {
  const { doc } = createDynamoClients({ region: env.AWS_REGION });
  const table = { doc, name: required(env, "SWITCHYARD_TABLE_NAME") };
  return {
    log,
    table,
    store: createStore(table),
    // Read once per execution environment; a failure fails this request and is retried by the next.
    adminKey: await loadAdminKey(env),
    now: () => new Date(),
    // CloudFormation and EventBridge (SDK clients included) load on the first request that needs them:
    // most requests read the store only.
    deployer: onFirstCall<Deployer>(async () => (await import("./aws-adapters.js")).createDeployer(env)),
    busOps: onFirstCall<BusOps>(async () => (await import("./aws-adapters.js")).createBusOps(env), {
      kind: "aws",
    }),
    // SQS loads on the first dead-letter request only.
    deadLetters: onFirstCall<DeadLetterQueues>(
      async () => (await import("./sqs-adapter.js")).createDeadLetterQueues(env),
      { kind: "aws" },
    ),
    ruleMetrics: onFirstCall<RuleMetrics>(async () =>
      (await import("./cloudwatch-adapter.js")).createRuleMetrics(env),
    ),
    deploymentSettings: {
      retention: deploymentRetentionFrom(env),
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      // Stacks deploy in the account of the service role: ARNs of other accounts are external.
      ...(accountOf(env.SWITCHYARD_CFN_ROLE_ARN) ? { account: accountOf(env.SWITCHYARD_CFN_ROLE_ARN) } : {}),
      // infra/ scopes IAM to stacks and resources named with this prefix.
      ...(env.SWITCHYARD_STACK_PREFIX ? { stackPrefix: env.SWITCHYARD_STACK_PREFIX } : {}),
      // ... and lets it create only roles that carry this boundary.
      ...(env.SWITCHYARD_PERMISSIONS_BOUNDARY_ARN
        ? { permissionsBoundary: env.SWITCHYARD_PERMISSIONS_BOUNDARY_ARN }
        : {}),
    },
  };
}

/** `arn:aws:iam::123456789012:role/...` → `123456789012`. */
const accountOf = (arn: string | undefined) => (arn ? /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1] : undefined);
