/**
 * The Lambda's CloudFormation and EventBridge adapters with their SDK clients, in a module of their
 * own so lambda.ts can import it on first use (static imports here keep the SDKs tree-shaken).
 */
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { CloudFormationDeployer } from "../aws/cloudformation.js";
import { AwsBusOps } from "../aws/eventbridge.js";
import { IamTeamServiceRoles } from "../aws/team-roles.js";
import { TEMPLATE_BUCKET_ENV, type TemplateStore } from "../aws/template-store.js";
import type { BusOps } from "../buses/port.js";
import { onFirstCall } from "./lazy-port.js";

type Env = Record<string, string | undefined>;

export function createDeployer(env: Env): CloudFormationDeployer {
  const templateStore = createTemplateStore(env);
  const teamRoles = createTeamRoles(env);
  return new CloudFormationDeployer({
    client: new CloudFormationClient({ region: env.AWS_REGION }),
    // The role CloudFormation assumes for user stacks, when infra/ provides one.
    ...(env.SWITCHYARD_CFN_ROLE_ARN ? { roleArn: env.SWITCHYARD_CFN_ROLE_ARN } : {}),
    ...(teamRoles ? { teamRoles, stackPrefix: env.SWITCHYARD_STACK_PREFIX ?? "" } : {}),
    ...(templateStore ? { templateStore } : {}),
  });
}

/** Each team's service role, when infra/ provides the team policy and boundary (teams/service-role.ts). */
function createTeamRoles(env: Env): IamTeamServiceRoles | undefined {
  const policyArns = env.SWITCHYARD_TEAM_ROLE_POLICY_ARNS?.split(",").filter(Boolean) ?? [];
  const boundaryArn = env.SWITCHYARD_TEAM_ROLE_BOUNDARY_ARN;
  if (policyArns.length === 0 || !boundaryArn) return undefined;
  if (!env.SWITCHYARD_STACK_PREFIX || !env.AWS_REGION) {
    throw new Error("Team service roles need SWITCHYARD_STACK_PREFIX and AWS_REGION (the roles' names).");
  }
  return new IamTeamServiceRoles({
    client: new IAMClient({ region: env.AWS_REGION }),
    stackPrefix: env.SWITCHYARD_STACK_PREFIX,
    region: env.AWS_REGION,
    policyArns,
    boundaryArn,
  });
}

/** EventBridge; a bus's event sample (CloudWatch Logs and its SDK) loads on a preview's first read of one. */
export function createBusOps(env: Env): AwsBusOps {
  return new AwsBusOps(
    new EventBridgeClient({ region: env.AWS_REGION }),
    onFirstCall<Pick<BusOps, "recentEvents">>(async () =>
      (await import("./logs-adapter.js")).createEventSample(env),
    ),
  );
}

/**
 * The bucket for templates over 51,200 bytes, when infra/ provides one. The S3 SDK loads on the
 * first such template, not with the deployer: most stacks are small enough to send inline.
 */
function createTemplateStore(env: Env): TemplateStore | undefined {
  const bucket = env[TEMPLATE_BUCKET_ENV];
  if (!bucket) return undefined;
  return onFirstCall<TemplateStore>(async () => {
    if (!env.AWS_REGION) throw new Error(`${TEMPLATE_BUCKET_ENV} needs AWS_REGION (the bucket's region)`);
    return (await import("../aws/s3-template-store.js")).createS3TemplateStore(bucket, env.AWS_REGION);
  });
}
