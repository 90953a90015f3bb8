import type { ConfigOf } from "../config/schema/root.js";
import { batchJob } from "./batch-job.js";
import type { ResourceDefinition } from "./definition.js";
import { eventBus } from "./event-bus/index.js";
import { lambdaFunction } from "./function.js";
import { httpApiGateway } from "./http-api-gateway.js";
import { multiContainerWorkload } from "./multi-container-workload/index.js";
import { snsTopic } from "./sns-topic/index.js";
import { sqsQueue } from "./sqs-queue.js";

/**
 * THE list of resource types. Adding a type is its module (see definition.ts) and one line here;
 * the config language, the compiler, connectTo, params, infra/'s service role and the tests that
 * hold every type to the CloudFormation schema and the local engine all read it from here.
 */
export const RESOURCE_DEFINITIONS = [
  eventBus,
  lambdaFunction,
  sqsQueue,
  snsTopic,
  httpApiGateway,
  batchJob,
  multiContainerWorkload,
] as const;

type DefinedResource<D> = D extends ResourceDefinition<infer R> ? R : never;

/** Any resource of the config, as its type's schema describes it. */
export type Resource = DefinedResource<(typeof RESOURCE_DEFINITIONS)[number]>;
export type ResourceType = Resource["type"];
export type Config = ConfigOf<Resource>;

export const RESOURCE_TYPES: readonly ResourceType[] = RESOURCE_DEFINITIONS.map((d) => d.type);

const BY_TYPE: ReadonlyMap<string, ResourceDefinition> = new Map(
  RESOURCE_DEFINITIONS.map((d): [string, ResourceDefinition] => [
    d.type,
    withConcernParams(d as ResourceDefinition),
  ]),
);

/** The definition of a type in the list, or undefined for a type Switchyard does not know. */
export const definitionOfType = (type: string): ResourceDefinition | undefined => BY_TYPE.get(type);

/** The definition of a loaded resource (loading checked its type). */
export const definitionOf = (resource: { type: string }): ResourceDefinition => BY_TYPE.get(resource.type)!;

/** Every CloudFormation type a compiled resource may be, triggers included (raw resources aside). */
export const CLOUDFORMATION_TYPES: readonly string[] = [
  ...new Set(RESOURCE_DEFINITIONS.flatMap((d) => cloudformationTypesOf(d))),
];

/** A type's params with those of its concerns (a CDN's domain) after its own. */
function withConcernParams(definition: ResourceDefinition): ResourceDefinition {
  const concerns = (definition.concerns ?? []).filter((c) => c.params);
  if (concerns.length === 0) return definition;
  return {
    ...definition,
    paramNames: (resource) => [
      ...definition.paramNames(resource),
      ...concerns.flatMap((c) => c.paramNames?.(resource) ?? []),
    ],
    params: (name, resource) =>
      Object.assign(definition.params(name, resource), ...concerns.map((c) => c.params!(name, resource))),
  };
}

/** Every CloudFormation type a resource of this type may compile to, its concerns' included. */
export function cloudformationTypesOf(definition: ResourceDefinition): readonly string[] {
  return [
    ...definition.cloudformationTypes,
    ...(definition.concerns ?? []).flatMap((c) => c.cloudformationTypes),
  ];
}

export type { Concern, ResourceDefinition, Trigger } from "./definition.js";
