/**
 * Deployments, as the rest of the app sees them: build the use-case context from AppDeps, and
 * reconcile a deployment from a stack operation's token (local engine callbacks, the Lambda's
 * CloudFormation "Stack Status Change" handler).
 */
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import { isTerminal } from "../store/deployments.js";
import { type CompileFn, DEFAULT_SETTINGS, type DeploymentsContext } from "./context.js";
import { deploymentIdOf, stackNameOfId, stagesOfStack, tokenOf } from "./names.js";
import { reconcile } from "./reconcile.js";

export type { DeploymentSettings } from "./context.js";
export type { Deployer } from "./port.js";

const contexts = new WeakMap<AppDeps, DeploymentsContext>();

export function deploymentsContext(deps: AppDeps): DeploymentsContext {
  let ctx = contexts.get(deps);
  if (!ctx) {
    if (!deps.deployer) throw new DomainError("not-implemented", "This server has no deployer configured.");
    ctx = {
      stages: deps.store.stages,
      deployments: deps.store.deployments,
      locks: deps.store.locks,
      networkSettings: deps.store.networkSettings,
      stackClaims: deps.store.stackClaims,
      configs: deps.store.configs,
      projects: deps.store.projects,
      teams: deps.store.teams,
      allowedResources: deps.store.allowedResources,
      teamDomains: deps.store.teamDomains,
      globalAlarms: deps.store.globalAlarms,
      busShares: deps.store.busShares,
      deployer: deps.deployer,
      compile: compileOnFirstUse,
      now: deps.now,
      log: deps.log,
      settings: { ...DEFAULT_SETTINGS, ...deps.deploymentSettings },
    };
    contexts.set(deps, ctx);
  }
  return ctx;
}

// The compiler (with the config schemas and YAML) is loaded by the first deployment or preview, not
// at every cold start: most requests never compile.
let compiler: Promise<typeof import("../compiler/index.js")> | undefined;
const compileOnFirstUse: CompileFn = async (config, target) => {
  compiler ??= import("../compiler/index.js");
  return (await compiler).compile(config, target);
};

/**
 * Reconciles the deployment running on a stack, found from the stack's name (prefix stripped) when an
 * event carries no token of ours (an operation started outside Switchyard on one of its stacks).
 */
export async function reconcileStack(
  deps: AppDeps,
  stackId: string | undefined,
): Promise<string | undefined> {
  const stackName = stackId ? stackNameOfId(stackId) : undefined;
  if (!stackName) return undefined;
  const ctx = deploymentsContext(deps);
  // Every stack is claimed by its stage before it is first created; stacks from before claims
  // existed are found by splitting the legacy name.
  const claim = await ctx.stackClaims.get(stackName);
  const candidates = claim ? [claim] : stagesOfStack(stackName, ctx.settings.stackPrefix);
  for (const { project, stage } of candidates) {
    const record = await ctx.stages.get(project, stage);
    if (record?.stackName !== stackName || (record.stackId && record.stackId !== stackId)) continue;
    return record.currentDeploymentId ? reconcileToken(deps, tokenOf(record.currentDeploymentId)) : undefined;
  }
  return undefined;
}

/** Reconciles the deployment a stack operation belongs to; other stacks' operations are ignored. */
export async function reconcileToken(deps: AppDeps, token: string | undefined): Promise<string | undefined> {
  const id = deploymentIdOf(token);
  if (!id) return undefined;
  const ctx = deploymentsContext(deps);
  const deployment = await ctx.deployments.get(id);
  if (!deployment) return undefined;
  const after = isTerminal(deployment.status) ? deployment : await reconcile(ctx, deployment);
  return after.status;
}
