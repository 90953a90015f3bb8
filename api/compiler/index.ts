import { limitMessages } from "../config/limits.js";
import { type ConfigProblem, ConfigValidationError } from "../config/problem.js";
import { dict, hasOwn, ownTree, plainJson } from "../prototype-safe.js";
import { type Config, definitionOf } from "../resources/index.js";
import { CompileContext, type CompileTarget, type TemplateParameter } from "./context.js";
import { resolveDirectives } from "./directives.js";
import { checkTemplateLimits, TEMPLATE_LIMITS } from "./limits.js";
import { pascalCase } from "./naming.js";
import { applyOverrides } from "./overrides.js";
import { applyPermissionsBoundary } from "./permissions-boundary.js";
import { checkRouteKeys } from "./route-keys.js";
import { scopePhysicalNames } from "./scoped-names.js";
import type { CfnOutput, CfnTemplate } from "./template.js";
import { checkTemplateTenancy } from "./tenancy/index.js";

export { ConfigValidationError } from "../config/problem.js";
export type { CompileTarget } from "./context.js";
export { checkTemplateLimits, TEMPLATE_LIMITS } from "./limits.js";
export { stackName } from "./naming.js";
export { NETWORK_PARAMETERS } from "./network.js";
export { SCOPED_NAMES } from "./scoped-names.js";
export type { CfnResource, CfnTemplate } from "./template.js";
export type { BusAccess, SharedBusGrant, TeamDomain, TenantScope } from "./tenancy/index.js";

/** Our stack-tag prefix (Stacktape uses `stp:`). */
export const TAG_PREFIX = "switchyard:";

export interface CompileResult {
  template: CfnTemplate;
  /** Per config resource, its referenceable params as CloudFormation expressions. */
  referenceableParams: Record<string, Record<string, unknown>>;
  /** Which template Output records which param: `{ MyEventBusArn: { resource: "myEventBus", param: "arn" } }`. */
  outputParams: Record<string, { resource: string; param: string }>;
  warnings: ConfigProblem[];
  /**
   * The template Parameters a deployer must fill, one value per Parameter name:
   * - `code-bucket` / `code-key`: the S3 location of the zip built for `resource` (a function);
   * - `image-uri`: the image built for `resource` (an image-packaged function or a batch job);
   * - `subnet-ids` / `security-group-ids` / `vpc-id` (resource `"platform"`): the platform's network
   *   settings for the stack's region (lists comma-separated), shared by every batch job and workload.
   */
  parameters: TemplateParameter[];
  /** Tags for the stack itself (CloudFormation propagates them): user tags plus ours. */
  stackTags: { Key: string; Value: string }[];
  terminationProtection: boolean;
}

/**
 * Compiles a loaded config for one stage. Pure: no I/O. Throws ConfigValidationError for problems
 * visible only now (unknown override IDs, missing CloudFormation logical IDs, template limits).
 */
export function compile(input: Config, target: CompileTarget): CompileResult {
  try {
    return compileWithinLimits(input, target);
  } catch (e) {
    // As in loadConfig: a config problem in our words, never the engine's message.
    if (e instanceof RangeError)
      throw new ConfigValidationError([{ path: "(root)", message: limitMessages.tooComplex() }]);
    throw e;
  }
}

function compileWithinLimits(input: Config, target: CompileTarget): CompileResult {
  // Stored versions come back from JSON.parse as plain objects; every lookup below is by user keys.
  const config = ownTree(input);
  const ctx = new CompileContext(config, target, definitionOf);
  ctx.compileResources();

  for (const [logicalId, raw] of Object.entries(config.cloudformationResources ?? {})) {
    if (ctx.resources[logicalId]) {
      ctx.error(
        ["cloudformationResources", logicalId],
        `Logical ID ${logicalId} is already used by a compiled resource.`,
      );
      continue;
    }
    ctx.resources[logicalId] = resolveDirectives(
      raw,
      ["cloudformationResources", logicalId],
      ctx,
    ) as CfnTemplate["Resources"][string];
  }

  applyOverrides(ctx);
  // Last, so raw resources and overrides are held to the same naming and boundary as compiled ones.
  scopePhysicalNames(ctx);
  checkRouteKeys(ctx);
  applyPermissionsBoundary(ctx);
  // On the final template: nothing set above may name another team's resources.
  checkTemplateTenancy(ctx);

  for (const use of ctx.logicalIdReferences) {
    if (!ctx.resources[use.logicalId]) {
      ctx.error(
        use.path,
        `${use.directive}(): no CloudFormation resource has the logical ID ${use.logicalId}.`,
      );
    }
  }

  const outputs = dict<CfnOutput>();
  config.stackConfig?.outputs?.forEach((output, i) => {
    outputs[output.name] = {
      Value: resolveDirectives(output.value, ["stackConfig", "outputs", i, "value"], ctx),
      ...(output.description ? { Description: output.description } : {}),
      ...(output.export ? { Export: { Name: `${ctx.stack}-${output.name}` } } : {}),
    };
  });
  const userOutputs = Object.keys(outputs).length;
  if (userOutputs > TEMPLATE_LIMITS.outputs) {
    ctx.error(
      ["stackConfig", "outputs", TEMPLATE_LIMITS.outputs],
      `stackConfig.outputs has ${userOutputs} outputs; CloudFormation allows at most ${TEMPLATE_LIMITS.outputs} per stack.`,
    );
  }
  // Every referenceable param becomes an Output so a deployment can record it (and $ResourceParam of
  // another stack can read it): one over CloudFormation's quota is an error at the resource whose
  // params pass it, never a param silently left out.
  const params: CompileResult["referenceableParams"] = dict();
  const outputParams: CompileResult["outputParams"] = dict();
  const paramCount = Object.keys(config.resources).reduce(
    (n, name) => n + Object.keys(ctx.params(name)).length,
    0,
  );
  let outputCount = userOutputs;
  for (const name of Object.keys(config.resources)) {
    params[name] = ctx.params(name);
    for (const [param, value] of Object.entries(params[name])) {
      if (outputCount === TEMPLATE_LIMITS.outputs && userOutputs <= TEMPLATE_LIMITS.outputs) {
        ctx.error(
          ["resources", name],
          `The stack would have ${userOutputs + paramCount} outputs (${userOutputs} from stackConfig.outputs, ${paramCount} for the resources' referenceable params, each exported so that deployments can record it; this resource's "${param}" is the ${TEMPLATE_LIMITS.outputs + 1}st); CloudFormation allows at most ${TEMPLATE_LIMITS.outputs}. Split the config into several projects.`,
        );
      }
      outputCount++;
      if (outputCount > TEMPLATE_LIMITS.outputs) continue;
      let key = `${pascalCase(name)}${pascalCase(param)}`;
      for (let n = 2; hasOwn(outputs, key); n++) key = `${pascalCase(name)}${pascalCase(param)}${n}`;
      outputs[key] = { Value: value, Description: `${name}.${param}` };
      outputParams[key] = { resource: name, param };
    }
  }

  const template: CfnTemplate = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Switchyard stack ${ctx.stack} (project ${target.project}, stage ${target.stage})`,
    ...(ctx.parameters.length > 0
      ? { Parameters: Object.fromEntries(ctx.parameters.map((p) => [p.name, p.definition])) }
      : {}),
    Resources: ctx.resources,
    ...(Object.keys(outputs).length > 0 ? { Outputs: outputs } : {}),
  };

  const limits = checkTemplateLimits(template);
  for (const message of limits.errors) ctx.error([], message);
  for (const message of limits.warnings) ctx.warn([], message);
  if (ctx.errors.length > 0) throw new ConfigValidationError(ctx.errors);

  // Plain JSON out of the core: deployers compare templates with stored ones.
  return {
    template: plainJson(template),
    referenceableParams: plainJson(params),
    outputParams: plainJson(outputParams),
    warnings: ctx.warnings,
    parameters: ctx.parameters.map(({ name, kind, resource }) => ({ name, kind, resource })),
    stackTags: stackTags(config, target, ctx.stack),
    terminationProtection: config.deploymentConfig?.terminationProtection ?? false,
  };
}

function stackTags(config: Config, target: CompileTarget, stack: string): { Key: string; Value: string }[] {
  const ours = {
    [`${TAG_PREFIX}stack-name`]: stack,
    [`${TAG_PREFIX}project-name`]: target.project,
    [`${TAG_PREFIX}stage`]: target.stage,
  };
  const tags = new Map<string, string>();
  for (const tag of config.stackConfig?.tags ?? []) tags.set(tag.name, tag.value);
  for (const [k, v] of Object.entries(ours)) tags.set(k, v);
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}
