import type { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import type { IamStatement } from "../../compiler/template.js";
import type { ConfigChecks } from "../../config/checks.js";
import type { ConfigPath } from "../../config/problem.js";
import type { Trigger } from "../definition.js";

/** The function a trigger invokes: its config name, logical ID and ARN. */
export interface LambdaTarget {
  readonly name: string;
  readonly functionLogicalId: string;
  readonly arn: unknown;
}

/**
 * One kind of `events` item a function accepts (Stacktape's integrations): its schema, its checks
 * and what it compiles to for the `index`th event. It returns what the function's role needs to
 * read from the source (an event source mapping polls with the function's role).
 */
/** The `properties` of a trigger's `events` item. */
export type TriggerProperties<S extends z.ZodType> = z.infer<S> extends { properties: infer P } ? P : unknown;

export interface LambdaTrigger<S extends z.ZodType = z.ZodType> extends Trigger<S> {
  /** Set for sources Switchyard does not create: the trigger takes the source by ARN. */
  readonly external?: true;
  /** Set for Stacktape triggers Switchyard takes in their shape and refuses (triggers/refused.ts). */
  readonly refused?: true;
  check?(props: TriggerProperties<S>, path: ConfigPath, checks: ConfigChecks): void;
  compile(
    ctx: CompileContext,
    target: LambdaTarget,
    index: number,
    props: TriggerProperties<S>,
    path: ConfigPath,
  ): IamStatement[];
}
