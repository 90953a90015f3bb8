/**
 * How the local deployer creates, updates and deletes each CloudFormation type: one handler per
 * type, by service. EventBridge's types go to the embedded engine as CloudFormation's handlers call
 * EventBridge; the others are recorded with the identifiers AWS would give them, because user code
 * does not run inside the control plane.
 */
import { own } from "../../../prototype-safe.js";
import { API_GATEWAY_V2_HANDLERS } from "./api-gateway.js";
import { APPLICATION_AUTO_SCALING_HANDLERS } from "./application-autoscaling.js";
import { BATCH_HANDLERS } from "./batch.js";
import { CLOUDFRONT_HANDLERS } from "./cloudfront.js";
import { CLOUDWATCH_HANDLERS } from "./cloudwatch.js";
import { CODEDEPLOY_HANDLERS } from "./codedeploy.js";
import { ECS_HANDLERS } from "./ecs.js";
import { EVENTS_HANDLERS } from "./events.js";
import { FIREHOSE_HANDLERS } from "./firehose.js";
import type { ResourceHandler } from "./handler.js";
import { IAM_HANDLERS } from "./iam.js";
import { KINESIS_HANDLERS } from "./kinesis.js";
import { LAMBDA_HANDLERS } from "./lambda.js";
import { LOGS_HANDLERS } from "./logs.js";
import { recordedByType } from "./recorded.js";
import { ROUTE53_HANDLERS } from "./route53.js";
import { SERVICE_DISCOVERY_HANDLERS } from "./service-discovery.js";
import { SNS_HANDLERS } from "./sns.js";
import { SQS_HANDLERS } from "./sqs.js";
import { STEP_FUNCTIONS_HANDLERS } from "./step-functions.js";

export type { HandlerContext, ResourceHandler, ResourceState } from "./handler.js";

const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  ...EVENTS_HANDLERS,
  ...LAMBDA_HANDLERS,
  ...IAM_HANDLERS,
  ...SQS_HANDLERS,
  ...SNS_HANDLERS,
  ...LOGS_HANDLERS,
  ...STEP_FUNCTIONS_HANDLERS,
  ...BATCH_HANDLERS,
  ...ECS_HANDLERS,
  ...SERVICE_DISCOVERY_HANDLERS,
  ...API_GATEWAY_V2_HANDLERS,
  ...APPLICATION_AUTO_SCALING_HANDLERS,
  ...CLOUDWATCH_HANDLERS,
  ...CLOUDFRONT_HANDLERS,
  ...FIREHOSE_HANDLERS,
  ...CODEDEPLOY_HANDLERS,
  ...KINESIS_HANDLERS,
  ...ROUTE53_HANDLERS,
};

/** The CloudFormation types the local engine has a handler for. */
export const LOCAL_RESOURCE_TYPES: readonly string[] = Object.keys(HANDLERS);

/** Another type (a raw resource of a type no handler knows) is recorded under a generated name. */
export function handlerFor(type: string): ResourceHandler {
  return own(HANDLERS, type) ?? recordedByType(type);
}
