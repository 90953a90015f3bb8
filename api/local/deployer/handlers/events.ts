/**
 * EventBridge's types go to the embedded engine exactly as CloudFormation's handlers call EventBridge.
 */
import type { EventBridgeApi } from "../../eventbridge/api.js";
import {
  arn,
  generatedName,
  type HandlerContext,
  ignoreMissing,
  json,
  type ResourceHandler,
  type ResourceState,
  str,
} from "./handler.js";
import { recorded } from "./recorded.js";

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

export const EVENTS_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::Events::EventBus": eventBus,
  "AWS::Events::Archive": archive,
  "AWS::Events::Rule": rule,
  // Recorded: the engine records what a rule delivers to an API destination, and never calls it.
  "AWS::Events::Connection": recorded({
    nameProperty: "Name",
    identify: (name, ctx) => ({
      ref: name,
      attributes: {
        Arn: arn(ctx, "events", `connection/${name}/local`),
        SecretArn: arn(ctx, "secretsmanager", `secret:events!connection/${name}/local`),
      },
    }),
  }),
  "AWS::Events::ApiDestination": recorded({
    nameProperty: "Name",
    identify: (name, ctx) => ({
      ref: name,
      attributes: { Arn: arn(ctx, "events", `api-destination/${name}/local`) },
    }),
  }),
};
