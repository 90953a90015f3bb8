import type { z } from "@hono/zod-openapi";
import type { CompileContext, ResourceCompiler } from "../compiler/context.js";
import type { ConfigChecks, ResourceChecks } from "../config/checks.js";
import type { ResourceBase } from "../config/schema/root.js";

/**
 * Everything Switchyard knows about one resource type, in its module: the config schema (the
 * Stacktape shape), the triggers it accepts and the event sources it offers, its referenceable
 * params, what `connectTo` on it grants, what it compiles to and which CloudFormation types that
 * emits. The one list of definitions is api/resources/index.ts; the config language, the compiler,
 * the local engine's tests and infra/'s service role derive what they know from it.
 */
export interface ResourceDefinition<R extends ResourceBase = ResourceBase>
  extends ResourceChecks<R>,
    ResourceCompiler<R> {
  /** The Stacktape `type`. */
  readonly type: R["type"];
  /** The whole resource: `{ type, properties, overrides }`. */
  readonly schema: z.ZodType<R>;
  /** The `events[].type` values it accepts (each offered by another type's `trigger`). */
  readonly triggers: readonly Trigger[];
  /** The trigger it is the source of, which other types may accept in their `events`. */
  readonly trigger?: Trigger;
  /** Every CloudFormation type compile() may emit for it, its triggers included. */
  readonly cloudformationTypes: readonly string[];
  /**
   * Set when its resources run in the platform's network (subnets, security groups): how messages
   * about the network settings call one ("batch job").
   */
  readonly networkUser?: string;
  /** Concerns several types share (api/resources/concerns/): their properties are in `schema`. */
  readonly concerns?: readonly Concern<R>[];
}

/**
 * What several resource types share, in a module of its own (alarms, log forwarding, ...): the
 * properties it adds to a type's `properties` (spread into the type's schema), its checks, what it
 * compiles to and the CloudFormation types that emits. A type plugs one in with two lines: the
 * spread, and `concerns: [...]`.
 */
export interface Concern<R extends ResourceBase = ResourceBase> {
  readonly name: string;
  readonly properties: z.ZodRawShape;
  readonly cloudformationTypes: readonly string[];
  check?(name: string, resource: R, checks: ConfigChecks): void;
  compile(name: string, resource: R, ctx: CompileContext): void;
  /** Referenceable params it adds to the type's (a CDN's domain), by name and as expressions. */
  paramNames?(resource: R): string[];
  params?(name: string, resource: R): Record<string, unknown>;
}

/** An event source: an `events` item `{ type, properties }` and the CloudFormation types it adds. */
export interface Trigger<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  /** The whole item, `{ type: <type>, properties }`. */
  readonly schema: S;
  readonly cloudformationTypes: readonly string[];
}
