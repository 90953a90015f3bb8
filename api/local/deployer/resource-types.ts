/**
 * How the local deployer creates, updates and deletes each CloudFormation resource type. EventBridge
 * resources go to the embedded engine exactly as CloudFormation's handlers call EventBridge; the other
 * types (functions, roles, queues, ...) are recorded with the identifiers AWS would give them, because
 * user code does not run inside the control plane.
 */
import { createHash } from "node:crypto";
import { own } from "../../prototype-safe.js";
import type { EventBridgeApi } from "../eventbridge/api.js";

export interface ResourceState {
  type: string;
  physicalId: string;
  /** What `Ref` returns. */
  ref: string;
  attributes: Record<string, string>;
  /** The resolved properties it was created or last updated with. */
  properties: Record<string, unknown>;
  /**
   * Recorded just before the engine made it: a process that stopped in between leaves this, so what
   * may exist is known (deleted by a rollback or teardown, made again by the next deployment).
   */
  pending?: true;
}

export interface HandlerContext {
  engine: EventBridgeApi;
  region: string;
  account: string;
  stackName: string;
  logicalId: string;
}

export interface ResourceHandler {
  /** Properties whose change needs a new physical resource (create-only in the registry schema). */
  replaceOn: readonly string[];
  create(
    props: Record<string, unknown>,
    ctx: HandlerContext,
  ): Promise<Omit<ResourceState, "type" | "properties">>;
  update(
    previous: ResourceState,
    props: Record<string, unknown>,
    ctx: HandlerContext,
  ): Promise<Omit<ResourceState, "type" | "properties">>;
  delete(state: ResourceState, ctx: HandlerContext): Promise<void>;
  /**
   * For types the engine really makes (buses, archives, rules): the physical name a create will use,
   * so it can be recorded first. Recorded-only types leave nothing behind and need none.
   */
  plannedName?(props: Record<string, unknown>): string | undefined;
}

/** CloudFormation's generated physical names: `<stack>-<logicalId>-<suffix>`, cut to `max`. */
export function generatedName(ctx: HandlerContext, max: number): string {
  const suffix = createHash("sha256")
    .update(`${ctx.stackName}/${ctx.logicalId}/${Date.now()}/${Math.random()}`)
    .digest("hex")
    .slice(0, 12)
    .toUpperCase();
  const head = `${ctx.stackName}-${ctx.logicalId}`.slice(0, Math.max(1, max - suffix.length - 1));
  return `${head}-${suffix}`;
}

const arn = (ctx: HandlerContext, service: string, resource: string, global = false) =>
  `arn:aws:${service}:${global ? "" : ctx.region}:${ctx.account}:${resource}`;

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const json = (v: unknown): string | undefined =>
  v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);

const eventBus: ResourceHandler = {
  replaceOn: ["Name", "EventSourceName"],
  plannedName: (props) => str(props.Name),
  async create(props, ctx) {
    const name = String(props.Name);
    const out = await ctx.engine.createEventBus({
      Name: name,
      EventSourceName: str(props.EventSourceName),
      Description: str(props.Description),
    });
    const busArn = out.EventBusArn ?? arn(ctx, "events", `event-bus/${name}`);
    return { physicalId: name, ref: name, attributes: { Arn: busArn, Name: name } };
  },
  // Description, policy, DLQ and tags have no engine API: they are recorded on the resource only.
  async update(previous) {
    return previous;
  },
  async delete(state, ctx) {
    await ignoreMissing(ctx.engine.deleteEventBus({ Name: state.physicalId }));
  },
};

const archive: ResourceHandler = {
  replaceOn: ["ArchiveName", "SourceArn"],
  plannedName: (props) => str(props.ArchiveName),
  async create(props, ctx) {
    const name = str(props.ArchiveName) ?? generatedName(ctx, 48);
    const out = await ctx.engine.createArchive({
      ArchiveName: name,
      EventSourceArn: String(props.SourceArn),
      EventPattern: json(props.EventPattern),
      RetentionDays: props.RetentionDays === undefined ? undefined : Number(props.RetentionDays),
      Description: str(props.Description),
    });
    return {
      physicalId: name,
      ref: name,
      attributes: { Arn: out.ArchiveArn ?? arn(ctx, "events", `archive/${name}`), ArchiveName: name },
    };
  },
  async update(previous, props, ctx) {
    await ctx.engine.updateArchive({
      ArchiveName: previous.physicalId,
      EventPattern: json(props.EventPattern),
      RetentionDays: props.RetentionDays === undefined ? undefined : Number(props.RetentionDays),
      Description: str(props.Description),
    });
    return previous;
  },
  async delete(state, ctx) {
    await ignoreMissing(ctx.engine.deleteArchive({ ArchiveName: state.physicalId }));
  },
};

type Target = NonNullable<Parameters<EventBridgeApi["putTargets"]>[0]["Targets"]>[number];

const rule: ResourceHandler = {
  replaceOn: ["Name", "EventBusName"],
  plannedName: (props) => str(props.Name),
  async create(props, ctx) {
    const name = str(props.Name) ?? generatedName(ctx, 64);
    return putRuleAndTargets(name, props, [], ctx);
  },
  async update(previous, props, ctx) {
    const before = ((previous.properties.Targets as Target[] | undefined) ?? []).map((t) => String(t.Id));
    return putRuleAndTargets(previous.physicalId, props, before, ctx);
  },
  // CloudFormation removes the targets first: EventBridge refuses to delete a rule that has some.
  async delete(state, ctx) {
    const bus = str(state.properties.EventBusName);
    const ids = ((state.properties.Targets as Target[] | undefined) ?? []).map((t) => String(t.Id));
    if (ids.length > 0) {
      await ignoreMissing(ctx.engine.removeTargets({ Rule: state.physicalId, EventBusName: bus, Ids: ids }));
    }
    await ignoreMissing(ctx.engine.deleteRule({ Name: state.physicalId, EventBusName: bus }));
  },
};

async function putRuleAndTargets(
  name: string,
  props: Record<string, unknown>,
  previousTargetIds: string[],
  ctx: HandlerContext,
): Promise<Omit<ResourceState, "type" | "properties">> {
  const bus = str(props.EventBusName);
  const out = await ctx.engine.putRule({
    Name: name,
    EventBusName: bus,
    EventPattern: json(props.EventPattern),
    ScheduleExpression: str(props.ScheduleExpression),
    State: (str(props.State) ?? "ENABLED") as "ENABLED",
    Description: str(props.Description),
    RoleArn: str(props.RoleArn),
  });
  const targets = (props.Targets as Target[] | undefined) ?? [];
  const keep = new Set(targets.map((t) => String(t.Id)));
  const removed = previousTargetIds.filter((id) => !keep.has(id));
  if (removed.length > 0) await ctx.engine.removeTargets({ Rule: name, EventBusName: bus, Ids: removed });
  // PutTargets takes at most 10 entries per call.
  for (let i = 0; i < targets.length; i += 10) {
    const res = await ctx.engine.putTargets({
      Rule: name,
      EventBusName: bus,
      Targets: targets.slice(i, i + 10),
    });
    const failed = res.FailedEntries?.[0];
    if (failed) throw new Error(`Target ${failed.TargetId}: ${failed.ErrorCode} ${failed.ErrorMessage}`);
  }
  const busName = bus?.startsWith("arn:") ? bus.split("/").pop() : bus;
  const onCustomBus = busName !== undefined && busName !== "default";
  return {
    physicalId: name,
    // Ref of a rule on a custom bus is "<bus>|<rule>" (see reference/eventbridge.md §5).
    ref: onCustomBus ? `${busName}|${name}` : name,
    attributes: {
      Arn: out.RuleArn ?? arn(ctx, "events", `rule/${onCustomBus ? `${busName}/` : ""}${name}`),
    },
  };
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
  }
}

/** A type recorded without side effects: its name, what Ref returns and its attributes. */
interface RecordSpec {
  nameProperty?: string;
  maxName?: number;
  identify(name: string, ctx: HandlerContext): { ref: string; attributes: Record<string, string> };
}

/** The physical ID of a recorded resource is its name; updates keep it, so ARNs stay stable. */
function named(spec: RecordSpec): ResourceHandler {
  return {
    replaceOn: spec.nameProperty ? [spec.nameProperty] : [],
    async create(props, ctx) {
      const given = spec.nameProperty ? str(props[spec.nameProperty]) : undefined;
      const name = given ?? generatedName(ctx, spec.maxName ?? 64);
      return { physicalId: name, ...spec.identify(name, ctx) };
    },
    async update(previous, _props, ctx) {
      return { physicalId: previous.physicalId, ...spec.identify(previous.physicalId, ctx) };
    },
    async delete() {},
  };
}

const HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Events::EventBus": eventBus,
  "AWS::Events::Archive": archive,
  "AWS::Events::Rule": rule,
  "AWS::Lambda::Function": named({
    nameProperty: "FunctionName",
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "lambda", `function:${name}`) },
    }),
  }),
  "AWS::Lambda::Permission": named({
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
  "AWS::IAM::Role": named({
    nameProperty: "RoleName",
    identify: (name, ctx) => ({
      ref: name,
      attributes: {
        Arn: arn(ctx, "iam", `role/${name}`, true),
        RoleId: `AROA${createHash("sha1").update(name).digest("hex").slice(0, 17).toUpperCase()}`,
      },
    }),
  }),
  "AWS::IAM::Policy": named({
    nameProperty: "PolicyName",
    identify: (name) => ({ ref: name, attributes: {} }),
  }),
  "AWS::IAM::ManagedPolicy": named({
    nameProperty: "ManagedPolicyName",
    identify: (name, ctx) => {
      const policyArn = arn(ctx, "iam", `policy/${name}`, true);
      return { ref: policyArn, attributes: { PolicyArn: policyArn } };
    },
  }),
  "AWS::SQS::Queue": named({
    nameProperty: "QueueName",
    maxName: 80,
    identify: (name, ctx) => ({
      ref: `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/${name}`,
      attributes: {
        Arn: arn(ctx, "sqs", name),
        QueueName: name,
        QueueUrl: `https://sqs.${ctx.region}.amazonaws.com/${ctx.account}/${name}`,
      },
    }),
  }),
  "AWS::SNS::Topic": named({
    nameProperty: "TopicName",
    maxName: 256,
    identify: (name, ctx) => {
      const topicArn = arn(ctx, "sns", name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    },
  }),
  "AWS::Logs::LogGroup": named({
    nameProperty: "LogGroupName",
    maxName: 512,
    identify: (name, ctx) => ({ ref: name, attributes: { Arn: arn(ctx, "logs", `log-group:${name}:*`) } }),
  }),
  "AWS::StepFunctions::StateMachine": named({
    nameProperty: "StateMachineName",
    maxName: 80,
    identify: (name, ctx) => {
      const smArn = arn(ctx, "states", `stateMachine:${name}`);
      return { ref: smArn, attributes: { Arn: smArn, Name: name } };
    },
  }),
  "AWS::IAM::InstanceProfile": named({
    nameProperty: "InstanceProfileName",
    maxName: 128,
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "iam", `instance-profile/${name}`, true) },
    }),
  }),
  "AWS::ApiGatewayV2::Api": named({
    identify: (name, ctx) => {
      const id = createHash("sha256").update(name).digest("hex").slice(0, 10);
      return {
        ref: id,
        attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${ctx.region}.amazonaws.com` },
      };
    },
  }),
  "AWS::Batch::JobDefinition": named({
    nameProperty: "JobDefinitionName",
    maxName: 128,
    identify: (name, ctx) => {
      const jdArn = arn(ctx, "batch", `job-definition/${name}:1`);
      return { ref: jdArn, attributes: { JobDefinitionArn: jdArn } };
    },
  }),
  "AWS::Batch::JobQueue": named({
    nameProperty: "JobQueueName",
    maxName: 128,
    identify: (name, ctx) => {
      const qArn = arn(ctx, "batch", `job-queue/${name}`);
      return { ref: qArn, attributes: { JobQueueArn: qArn } };
    },
  }),
  "AWS::Batch::ComputeEnvironment": named({
    nameProperty: "ComputeEnvironmentName",
    maxName: 128,
    identify: (name, ctx) => {
      const ceArn = arn(ctx, "batch", `compute-environment/${name}`);
      return { ref: ceArn, attributes: { ComputeEnvironmentArn: ceArn } };
    },
  }),
  // Workloads are recorded like functions: what ECS, Cloud Map and API Gateway would return.
  "AWS::ECS::Cluster": named({
    nameProperty: "ClusterName",
    maxName: 255,
    identify: (name, ctx) => ({ ref: name, attributes: { Arn: arn(ctx, "ecs", `cluster/${name}`) } }),
  }),
  "AWS::ECS::TaskDefinition": named({
    maxName: 255,
    identify: (name, ctx) => {
      const tdArn = arn(ctx, "ecs", `task-definition/${name}:1`);
      return { ref: tdArn, attributes: { TaskDefinitionArn: tdArn } };
    },
  }),
  "AWS::ECS::Service": named({
    nameProperty: "ServiceName",
    maxName: 255,
    identify: (name, ctx) => {
      const serviceArn = arn(ctx, "ecs", `service/${name}`);
      return { ref: serviceArn, attributes: { ServiceArn: serviceArn, Name: name } };
    },
  }),
  "AWS::ServiceDiscovery::PrivateDnsNamespace": named({
    identify: (name, ctx) => {
      const id = `ns-${shortId(name)}`;
      return {
        ref: id,
        attributes: {
          Id: id,
          Arn: arn(ctx, "servicediscovery", `namespace/${id}`),
          HostedZoneId: `Z${shortId(`zone/${name}`).toUpperCase()}`,
        },
      };
    },
  }),
  "AWS::ServiceDiscovery::Service": named({
    identify: (name, ctx) => {
      const id = `srv-${shortId(name)}`;
      return {
        ref: id,
        attributes: { Id: id, Arn: arn(ctx, "servicediscovery", `service/${id}`), Name: name },
      };
    },
  }),
  "AWS::ApiGatewayV2::VpcLink": named({
    identify: (name) => ({
      ref: shortId(name).slice(0, 6),
      attributes: { VpcLinkId: shortId(name).slice(0, 6) },
    }),
  }),
};

const shortId = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 16);

/** Any other type is recorded under a generated name with an ARN shaped from its type. */
function fallbackHandler(type: string): ResourceHandler {
  const [, service = "local", kind = "resource"] = type.split("::");
  return named({
    identify: (name, ctx) => {
      const resourceArn = arn(ctx, service.toLowerCase(), `${kind.toLowerCase()}/${name}`);
      return { ref: name, attributes: { Arn: resourceArn } };
    },
  });
}

export function handlerFor(type: string): ResourceHandler {
  return own(HANDLERS, type) ?? fallbackHandler(type);
}
