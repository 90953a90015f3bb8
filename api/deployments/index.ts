/**
 * Deployments, as the rest of the app sees them: build the use-case context from AppDeps, and
 * reconcile a deployment from a stack operation's token (local engine callbacks, the Lambda's
 * CloudFormation "Stack Status Change" handler).
 */
import { compile } from "../compiler/index.js";
import type { AppDeps } from "../deps.js";
import { problems } from "../http/problem.js";
import { isTerminal } from "../store/deployments.js";
import { type CompileFn, DEFAULT_SETTINGS, type DeploymentsContext, deploymentStores } from "./context.js";
import { deploymentIdOf } from "./names.js";
import { reconcile } from "./reconcile.js";

export type { DeploymentSettings } from "./context.js";
export type { Deployer } from "./port.js";

const contexts = new WeakMap<AppDeps, DeploymentsContext>();

export function deploymentsContext(deps: AppDeps): DeploymentsContext {
  let ctx = contexts.get(deps);
  if (!ctx) {
    if (!deps.deployer) throw problems.notImplemented("This server has no deployer configured.");
    ctx = {
      ...deploymentStores(deps.table),
      configs: deps.store.configs,
      deployer: deps.deployer,
      compile: compile as unknown as CompileFn,
      now: deps.now,
      log: deps.log,
      settings: { ...DEFAULT_SETTINGS, ...deps.deploymentSettings },
    };
    contexts.set(deps, ctx);
  }
  return ctx;
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
