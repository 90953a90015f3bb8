/**
 * The Lambda's CloudFormation and EventBridge adapters with their SDK clients, in a module of their
 * own so lambda.ts can import it on first use (static imports here keep the SDKs tree-shaken).
 */
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CloudFormationDeployer } from "../aws/cloudformation.js";
import { AwsBusOps } from "../aws/eventbridge.js";

type Env = Record<string, string | undefined>;

export function createDeployer(env: Env): CloudFormationDeployer {
  return new CloudFormationDeployer({
    client: new CloudFormationClient({ region: env.AWS_REGION }),
    // The role CloudFormation assumes for user stacks, when infra/ provides one.
    ...(env.SWITCHYARD_CFN_ROLE_ARN ? { roleArn: env.SWITCHYARD_CFN_ROLE_ARN } : {}),
  });
}

export function createBusOps(env: Env): AwsBusOps {
  return new AwsBusOps(new EventBridgeClient({ region: env.AWS_REGION }));
}
