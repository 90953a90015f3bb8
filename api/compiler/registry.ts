import type { Resource, ResourceType } from "../config/index.js";
import { own } from "../prototype-safe.js";
import type { CompileContext, ConnectGrant } from "./context.js";
import { batchJob } from "./resources/batch-job.js";
import { eventBus } from "./resources/event-bus.js";
import { lambdaFunction } from "./resources/function.js";
import { httpApiGateway } from "./resources/http-api-gateway.js";
import { multiContainerWorkload } from "./resources/multi-container-workload.js";
import { sqsQueue } from "./resources/sqs-queue.js";

/** What each resource type module provides. Adding a type means one module and one line below. */
export interface ResourceCompiler<R extends Resource = Resource> {
  /** Adds the resource's CloudFormation resources (and those of its subscriptions) to the context. */
  compile(name: string, resource: R, ctx: CompileContext): void;
  /** Referenceable params ($ResourceParam, outputs) as CloudFormation expressions. */
  params(name: string, resource: R): Record<string, unknown>;
  /** What `connectTo: [<this resource>]` grants the connecting workload. */
  connect?(name: string, resource: R, ctx: CompileContext): ConnectGrant;
}

const REGISTRY: { [T in ResourceType]: ResourceCompiler<Extract<Resource, { type: T }>> } = {
  "event-bus": eventBus,
  function: lambdaFunction,
  "sqs-queue": sqsQueue,
  "http-api-gateway": httpApiGateway,
  "batch-job": batchJob,
  "multi-container-workload": multiContainerWorkload,
};

export const compilerFor = (resource: Resource) => REGISTRY[resource.type] as ResourceCompiler;

export function referenceableParams(ctx: CompileContext, name: string): Record<string, unknown> {
  const resource = own(ctx.config.resources, name);
  return resource ? compilerFor(resource).params(name, resource) : {};
}

export function connectGrant(ctx: CompileContext, name: string): ConnectGrant | undefined {
  const resource = own(ctx.config.resources, name);
  return resource ? compilerFor(resource).connect?.(name, resource, ctx) : undefined;
}
