/** Compiling a stored config version for a stage, with the errors a user can act on. */

import type { TenantScope } from "../compiler/tenancy/scope.js";
import { DomainError } from "../errors.js";
import { projectNameOfKey } from "../store/projects.js";
import type { DeploymentsContext } from "./context.js";
import { platformNetwork } from "./network.js";
import type { OutputMap } from "./outputs.js";
import { type Artifacts, fillParameters, MissingArtifactsError } from "./parameters.js";
import type { Template } from "./port.js";
import { stageTarget } from "./tenancy.js";

export interface PreparedTemplate {
  configVersion: number;
  stackName: string;
  template: Template;
  parameters: Record<string, string>;
  outputMap: OutputMap;
  warnings: string[];
  /** What the stack may name: the local engine holds the template to it again when applying. */
  tenancy: TenantScope;
}

export async function prepareTemplate(
  ctx: DeploymentsContext,
  input: { project: string; stage: string; configVersion?: number; artifacts?: Artifacts },
): Promise<PreparedTemplate> {
  const version =
    input.configVersion === undefined
      ? await ctx.configs.latest(input.project)
      : await ctx.configs.get(input.project, input.configVersion);
  if (!version) {
    throw input.configVersion === undefined
      ? new DomainError(
          "conflict",
          `Project ${input.project} has no config yet; post one to /v1/projects/${input.project}/configs.`,
        )
      : new DomainError(
          "not-found",
          `Project ${input.project} has no config version ${input.configVersion}.`,
        );
  }
  const { stackName, scope, project } = await stageTarget(ctx, input.project, input.stage);
  await claimStackName(ctx, stackName, input);
  const { alarms: globalAlarms } = await ctx.globalAlarms.get(project.team);
  let compiled: Awaited<ReturnType<DeploymentsContext["compile"]>>;
  try {
    compiled = await ctx.compile(version.config, {
      project: projectNameOfKey(input.project),
      stage: input.stage,
      stackName,
      ...(ctx.settings.region ? { region: ctx.settings.region } : {}),
      // infra/ lets the deploy role touch only names with the prefix and create only bounded roles.
      ...(ctx.settings.stackPrefix ? { stackPrefix: ctx.settings.stackPrefix } : {}),
      ...(ctx.settings.permissionsBoundary ? { permissionsBoundary: ctx.settings.permissionsBoundary } : {}),
      // Nothing in the final template may name another team's resources.
      tenancy: scope,
      // Custom domains take their certificate and record from the team's registrations.
      domains: scope.domains ?? [],
      globalAlarms,
    });
  } catch (err) {
    const errors = (err as { errors?: { path: string; message: string; line?: number; column?: number }[] })
      .errors;
    if (Array.isArray(errors)) {
      // Lines and columns from the stored text (the config language is loaded by now: it compiled).
      const { locateProblems } = await import("../config/index.js");
      throw new DomainError(
        "config-invalid",
        `Config version ${version.version} does not compile for stage ${input.stage}: ${errors
          .slice(0, 3)
          .map((e) => `${e.path}: ${e.message}`)
          .join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}`,
        { errors: version.source ? locateProblems(version.source, errors) : errors },
      );
    }
    throw err;
  }
  // Network values come from the platform's settings only, whatever the request carried.
  const network = await platformNetwork(ctx, compiled.parameters, version.config, input.stage);
  const artifacts = network ? { ...input.artifacts, platform: network } : input.artifacts;
  let parameters: Record<string, string>;
  try {
    parameters = fillParameters(compiled.parameters, artifacts, ctx.settings.parameterFallback);
  } catch (err) {
    if (err instanceof MissingArtifactsError) {
      throw new DomainError("artifacts-missing", err.message, {
        errors: err.missing.map((m) => ({
          path: `artifacts.${m.resource}.${m.field}`,
          message: `needed for ${m.parameter}`,
        })),
      });
    }
    throw err;
  }
  return {
    configVersion: version.version,
    stackName,
    template: compiled.template,
    parameters,
    outputMap: compiled.outputParams,
    tenancy: scope,
    warnings: compiled.warnings.map((w) => (w.path ? `${w.path}: ${w.message}` : w.message)),
  };
}

/**
 * Two projects can map to one stack name (`shop` + `prod-eu`, `shop-prod` + `eu`): the first stage
 * to prepare it owns it, and no other may preview, deploy or tear down that stack. The other
 * project is not named: it may be another team's.
 */
async function claimStackName(
  ctx: DeploymentsContext,
  stackName: string,
  stage: { project: string; stage: string },
): Promise<void> {
  const owner = await ctx.stackClaims.claim(
    stackName,
    { project: stage.project, stage: stage.stage },
    ctx.now(),
  );
  if (owner.project === stage.project && owner.stage === stage.stage) return;
  throw new DomainError(
    "stack-name-taken",
    `Stage ${stage.stage} of project ${projectNameOfKey(stage.project)} would deploy as stack ${stackName}, which belongs to a stage of another project. Choose another stage name.`,
  );
}
