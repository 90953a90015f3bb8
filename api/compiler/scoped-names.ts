import { own } from "../prototype-safe.js";
import type { CompileContext } from "./context.js";
import { NAME_LIMITS } from "./naming.js";

/**
 * Resource types whose ARN carries their name, which is how the deploy role (infra/arns.ts) scopes
 * them: `<prefix>*` only. CloudFormation's generated names do not reliably start with the stack name
 * (state machines, Batch), so every such resource gets an explicit `<stack>-...` name, and a name a
 * config sets (raw `cloudformationResources`, `overrides`) must keep the prefix.
 */
interface ScopedName {
  property: string;
  limit: number;
  /** IAM names are unique per account, not per region: the default name carries the region. */
  accountWide?: boolean;
}

export const SCOPED_NAMES: Readonly<Record<string, ScopedName>> = {
  "AWS::Events::EventBus": { property: "Name", limit: NAME_LIMITS.bus },
  "AWS::Events::Rule": { property: "Name", limit: NAME_LIMITS.rule },
  "AWS::Events::Archive": { property: "ArchiveName", limit: NAME_LIMITS.archive },
  "AWS::Lambda::Function": { property: "FunctionName", limit: NAME_LIMITS.lambda },
  "AWS::SQS::Queue": { property: "QueueName", limit: NAME_LIMITS.queue },
  "AWS::SNS::Topic": { property: "TopicName", limit: NAME_LIMITS.topic },
  "AWS::StepFunctions::StateMachine": { property: "StateMachineName", limit: NAME_LIMITS.stateMachine },
  "AWS::Batch::ComputeEnvironment": { property: "ComputeEnvironmentName", limit: NAME_LIMITS.batch },
  "AWS::Batch::JobQueue": { property: "JobQueueName", limit: NAME_LIMITS.batch },
  "AWS::Batch::JobDefinition": { property: "JobDefinitionName", limit: NAME_LIMITS.batch },
  "AWS::IAM::Role": { property: "RoleName", limit: NAME_LIMITS.role, accountWide: true },
  "AWS::IAM::InstanceProfile": {
    property: "InstanceProfileName",
    limit: NAME_LIMITS.instanceProfile,
    accountWide: true,
  },
  "AWS::ECS::Cluster": { property: "ClusterName", limit: NAME_LIMITS.ecsCluster },
  "AWS::Logs::LogGroup": { property: "LogGroupName", limit: NAME_LIMITS.logGroup },
  "AWS::CloudWatch::Alarm": { property: "AlarmName", limit: NAME_LIMITS.alarm },
  "AWS::Events::Connection": { property: "Name", limit: NAME_LIMITS.connection },
  "AWS::Events::ApiDestination": { property: "Name", limit: NAME_LIMITS.connection },
  "AWS::KinesisFirehose::DeliveryStream": {
    property: "DeliveryStreamName",
    limit: NAME_LIMITS.deliveryStream,
  },
  "AWS::CodeDeploy::Application": { property: "ApplicationName", limit: NAME_LIMITS.codeDeploy },
  "AWS::CodeDeploy::DeploymentGroup": { property: "DeploymentGroupName", limit: NAME_LIMITS.codeDeploy },
  // A consumer's ARN is its stream's and its name: `stream/<stream>/consumer/<name>:<created>`.
  "AWS::Kinesis::StreamConsumer": { property: "ConsumerName", limit: NAME_LIMITS.kinesisConsumer },
};

/**
 * Lambda's own log groups are `/aws/lambda/<function>`, API Gateway writes access logs only under
 * `/aws/vendedlogs/`, and EventBridge's log-group targets live under `/aws/events/` (a bus's event
 * sample); the deploy role may create those too (infra/arns.ts).
 */
export const LOG_GROUP_HEADS: readonly string[] = ["", "/aws/lambda/", "/aws/vendedlogs/", "/aws/events/"];

/**
 * Names every name-scoped resource that has no name yet (`<stack>-<LogicalId>`). Under a prefix, a
 * name the config set itself (raw resource, override) must start with this stack's name: the deploy
 * role only manages names with the prefix, and another stack's names are not this config's to take
 * (squatting them would break that stack's next deployment). Runs after raw resources and overrides.
 */
export function scopePhysicalNames(ctx: CompileContext): void {
  const prefix = ctx.target.stackPrefix ?? "";
  for (const [logicalId, resource] of Object.entries(ctx.resources)) {
    const scoped = own(SCOPED_NAMES, resource.Type);
    if (!scoped) continue;
    resource.Properties ??= {};
    const properties = resource.Properties;
    const name = properties[scoped.property];
    if (name === undefined) {
      properties[scoped.property] = defaultName(ctx, logicalId, scoped, properties);
      continue;
    }
    // Locally nothing scopes names.
    if (prefix === "") continue;
    const owner = ctx.owners.get(logicalId);
    if (properties.EventSourceName !== undefined && owner) {
      ctx.error(
        ["resources", owner, "properties", "eventSourceName"],
        `A partner event bus is named after its event source (${JSON.stringify(name)}), and Switchyard may only deploy buses named with "${prefix}". Associate the partner event source outside Switchyard and subscribe to it with eventBusArn.`,
      );
      continue;
    }
    // The compiler's own names start with the stack's (cut with a hash at AWS's limit).
    if (!setByConfig(ctx, logicalId, scoped.property)) continue;
    if (inStackNamespace(name, ctx.stack, resource.Type)) continue;
    ctx.error(
      configPathOfProperty(ctx, logicalId, scoped.property),
      `${resource.Type} ${logicalId} is named ${JSON.stringify(name)}, but names in this stack must start with "${ctx.stack}-": Switchyard's deploy role only manages names starting with "${prefix}", and other stacks' names are not this config's to take. Remove the name to get one, or start it with "${ctx.stack}-" (in Fn::Sub, \${AWS::StackName}-).`,
    );
  }
}

function defaultName(
  ctx: CompileContext,
  logicalId: string,
  scoped: ScopedName,
  properties: Record<string, unknown>,
): unknown {
  if (scoped.accountWide) return ctx.accountWideName(logicalId, scoped.limit);
  if (scoped.property === "QueueName" && properties.FifoQueue === true)
    return `${ctx.physicalName(logicalId, scoped.limit - 5)}.fifo`;
  return ctx.physicalName(logicalId, scoped.limit);
}

/**
 * Whether a name provably starts with the stack's name: a plain string, or an `Fn::Sub` once
 * `${AWS::StackName}` is read as the stack name. Other intrinsics cannot be checked, so they are refused.
 */
function inStackNamespace(name: unknown, stack: string, type: string): boolean {
  const head = literal(name, stack);
  if (head === undefined) return false;
  const heads = type === "AWS::Logs::LogGroup" ? LOG_GROUP_HEADS : [""];
  return heads.some((before) => head === `${before}${stack}` || head.startsWith(`${before}${stack}-`));
}

/** The text before the first substitution of a string or `Fn::Sub` name. */
function literal(name: unknown, stack: string): string | undefined {
  if (typeof name === "string") return name;
  const sub = (name as { "Fn::Sub"?: unknown } | null)?.["Fn::Sub"];
  const text = typeof sub === "string" ? sub : Array.isArray(sub) ? sub[0] : undefined;
  if (typeof text !== "string") return undefined;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
  return text.replaceAll("${AWS::StackName}", stack).split("${")[0];
}

/** Where a config set the name: a raw resource, an override, or (for a partner bus) the resource. */
export function configPathOfProperty(
  ctx: CompileContext,
  logicalId: string,
  property: string,
): (string | number)[] {
  const owner = ctx.owners.get(logicalId);
  if (!owner) return ["cloudformationResources", logicalId, "Properties", property];
  if (overridden(ctx, owner, logicalId, property))
    return ["resources", owner, "overrides", logicalId, property];
  return ["resources", owner];
}

/** Whether the config set the property itself (a raw resource, or an override), not the compiler. */
function setByConfig(ctx: CompileContext, logicalId: string, property: string): boolean {
  const owner = ctx.owners.get(logicalId);
  return !owner || overridden(ctx, owner, logicalId, property);
}

function overridden(ctx: CompileContext, owner: string, logicalId: string, property: string): boolean {
  const override = ctx.resource(owner).overrides?.[logicalId];
  return override !== undefined && Object.keys(override).some((key) => key.split(".")[0] === property);
}
