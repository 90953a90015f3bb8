import type {
  CreateEventBusCommandInput,
  CreateEventBusCommandOutput,
  DeleteEventBusCommandInput,
  DescribeEventBusCommandInput,
  DescribeEventBusCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { busArn, busNameOf, DEFAULT_BUS } from "../../eventbridge/arns.js";
import { busNotFound, constraintViolation, EventBridgeError, validation } from "../../eventbridge/errors.js";
import { type EngineContext, iso } from "./context.js";

type Out<T> = Omit<T, "$metadata">;

const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;

export async function createEventBus(
  ctx: EngineContext,
  input: CreateEventBusCommandInput,
): Promise<Out<CreateEventBusCommandOutput>> {
  const name = input.Name ?? "";
  if (!BUS_NAME.test(name)) {
    throw constraintViolation(
      name,
      "name",
      "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+",
    );
  }
  if (name === DEFAULT_BUS || (name.includes("/") && !input.EventSourceName)) {
    throw validation(`Event bus name ${name} is not valid.`);
  }
  const now = iso(ctx.now());
  const arn = busArn(ctx.scope, name);
  const created = await ctx.store.createBus({
    name,
    arn,
    ...(input.Description ? { description: input.Description } : {}),
    createdAt: now,
    updatedAt: now,
  });
  if (!created)
    throw new EventBridgeError("ResourceAlreadyExistsException", `Event bus ${name} already exists.`);
  ctx.buses.invalidate(name);
  return { EventBusArn: arn, ...(input.Description ? { Description: input.Description } : {}) };
}

export async function describeEventBus(
  ctx: EngineContext,
  input: DescribeEventBusCommandInput,
): Promise<Out<DescribeEventBusCommandOutput>> {
  const name = busNameOf(input.Name);
  const view = await ctx.buses.get(name);
  if (!view) throw busNotFound(name);
  const { bus } = view;
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description ? { Description: bus.description } : {}),
    CreationTime: new Date(bus.createdAt),
    LastModifiedTime: new Date(bus.updatedAt),
  };
}

/**
 * Deletes a custom bus, the rules on it (CloudFormation removes rules first anyway) and its
 * delivery log (a bus of the same name deployed later starts with none). Deleting a bus that does
 * not exist succeeds, as in AWS; the default bus cannot be deleted.
 */
export async function deleteEventBus(ctx: EngineContext, input: DeleteEventBusCommandInput): Promise<void> {
  const name = busNameOf(input.Name);
  if (name === DEFAULT_BUS) throw validation("Cannot delete event bus default.");
  const rules = await ctx.store.allRules(name);
  await Promise.all(rules.map((rule) => ctx.store.deleteRule(name, rule.name)));
  await ctx.store.deleteBus(name);
  ctx.buses.invalidate(name);
  await ctx.store.deleteDeliveries(name);
}
