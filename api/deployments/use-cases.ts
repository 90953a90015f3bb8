/**
 * The deployment use cases the routes call: preview, deploy, rollback, teardown, continue-rollback,
 * and reads that
 * reconcile what they find still running. Independent of which Deployer adapter runs.
 */
import { DomainError } from "../errors.js";
import { type Deployment, isTerminal } from "../store/deployments.js";
import { projectNameOfKey } from "../store/projects.js";
import type { Stage } from "../store/stages.js";
import { prepareTemplate } from "./compile-version.js";
import type { DeploymentsContext } from "./context.js";
import { launch } from "./launch.js";
import type { Artifacts } from "./parameters.js";
import { DeployerError, type StackChange } from "./port.js";
import { reconcile } from "./reconcile.js";
import { rollbackTarget } from "./retire.js";
import { type RecentEvents, type RoutingDiff, routingDiff } from "./routing-diff.js";
import { stageTarget } from "./tenancy.js";

export interface Preview {
  configVersion: number;
  stackName: string;
  changes: StackChange[];
  warnings: string[];
  routing: RoutingDiff;
}

/** Recent events per bus a preview evaluates changed rules against, by default and at most. */
export const DEFAULT_ROUTING_SAMPLE = 100;
export const MAX_ROUTING_SAMPLE = 500;
/** How long a preview may spend evaluating rules against events. */
const ROUTING_BUDGET_MS = 2_000;

export async function previewStage(
  ctx: DeploymentsContext,
  input: {
    project: string;
    stage: string;
    configVersion?: number;
    artifacts?: Artifacts;
    /** Recent events per bus to evaluate changed rules against. */
    routingSample?: number;
    recentEvents?: RecentEvents;
  },
): Promise<Preview> {
  const prepared = await prepareTemplate(ctx, input);
  const stage = await ctx.stages.get(input.project, input.stage);
  let changes: StackChange[];
  try {
    changes = await ctx.deployer.preview({
      stackName: prepared.stackName,
      ...(stage?.stackId ? { stackId: stage.stackId } : {}),
      template: prepared.template,
      parameters: prepared.parameters,
      ...(stage?.appliedTemplate && stage.deployed ? { previousTemplate: stage.appliedTemplate } : {}),
    });
  } catch (err) {
    if (!(err instanceof DeployerError)) throw err;
    throw err.code === "template-too-large" || err.code === "invalid-template"
      ? new DomainError(err.code, err.message)
      : new DomainError("conflict", err.message, { reason: err.code });
  }
  const started = Date.now();
  const routing = await routingDiff(
    stage?.deployed ? stage.appliedTemplate : undefined,
    prepared.template,
    input.recentEvents,
    {
      limit: Math.min(input.routingSample ?? DEFAULT_ROUTING_SAMPLE, MAX_ROUTING_SAMPLE),
      deadline: started + ROUTING_BUDGET_MS,
      now: Date.now,
    },
  );
  return {
    configVersion: prepared.configVersion,
    stackName: prepared.stackName,
    changes,
    warnings: prepared.warnings,
    routing,
  };
}

export async function deploy(
  ctx: DeploymentsContext,
  input: { project: string; stage: string; actor: string; configVersion?: number; artifacts?: Artifacts },
): Promise<Deployment> {
  const prepared = await prepareTemplate(ctx, input);
  return launch(ctx, {
    project: input.project,
    stage: input.stage,
    stackName: prepared.stackName,
    tenancy: prepared.tenancy,
    kind: "deploy",
    actor: input.actor,
    configVersion: prepared.configVersion,
    template: prepared.template,
    parameters: prepared.parameters,
    outputMap: prepared.outputMap,
    warnings: prepared.warnings,
  });
}

/**
 * A new deployment of the last succeeded version before the one the stage runs now: the very
 * template and parameters (artifacts) that deployment applied.
 */
export async function rollback(
  ctx: DeploymentsContext,
  input: { project: string; stage: string; actor: string },
): Promise<Deployment> {
  const stage = await requireStage(ctx, input.project, input.stage);
  if (!stage.deployed || stage.deployedConfigVersion === undefined) {
    throw new DomainError("conflict", `Stage ${input.stage} runs nothing to roll back from.`);
  }
  const target = await rollbackTarget(ctx, stage);
  if (!target) {
    throw new DomainError(
      "conflict",
      `Stage ${input.stage} has no succeeded deployment of another config version before version ${stage.deployedConfigVersion}.`,
    );
  }
  // The old template is held to what the team may name now (a revoked share stays revoked).
  const { scope } = await stageTarget(ctx, input.project, input.stage);
  return launch(ctx, {
    project: input.project,
    stage: input.stage,
    stackName: stage.stackName,
    tenancy: scope,
    kind: "rollback",
    actor: input.actor,
    configVersion: target.configVersion!,
    template: target.template!,
    parameters: target.parameters ?? {},
    outputMap: target.outputMap ?? {},
    rollbackOf: target.id,
  });
}

export async function teardown(
  ctx: DeploymentsContext,
  input: { project: string; stage: string; actor: string },
): Promise<Deployment> {
  const stage = await requireStage(ctx, input.project, input.stage);
  if (stage.status === "DELETED" && !stage.deployed) {
    throw new DomainError("conflict", `Stage ${input.stage} is already torn down.`);
  }
  return launch(ctx, {
    project: input.project,
    stage: input.stage,
    stackName: stage.stackName,
    kind: "teardown",
    actor: input.actor,
  });
}

/**
 * Continues the failed update rollback of the stage's stack (UPDATE_ROLLBACK_FAILED) as a deployment
 * of kind `continue-rollback`. It SUCCEEDS when the stack reaches UPDATE_ROLLBACK_COMPLETE: the stage
 * then runs the version it ran before the failed update again, and no longer needs action. A stack
 * with no failed rollback answers 409 `nothing-to-continue`; a resource that cannot be skipped, 422
 * `resources-not-skippable`. Neither leaves a deployment behind.
 */
export async function continueRollback(
  ctx: DeploymentsContext,
  input: { project: string; stage: string; actor: string; resourcesToSkip?: string[] },
): Promise<Deployment> {
  const stage = await requireStage(ctx, input.project, input.stage);
  if (!stage.deployed)
    throw nothingToContinue(`Stage ${input.stage} has no stack, so no rollback to continue.`);
  try {
    return await launch(ctx, {
      project: input.project,
      stage: input.stage,
      stackName: stage.stackName,
      kind: "continue-rollback",
      actor: input.actor,
      ...(stage.deployedConfigVersion !== undefined ? { configVersion: stage.deployedConfigVersion } : {}),
      ...(input.resourcesToSkip?.length ? { resourcesToSkip: input.resourcesToSkip } : {}),
    });
  } catch (err) {
    if (!(err instanceof DeployerError)) throw err;
    if (err.code === "nothing-to-continue") throw nothingToContinue(err.message);
    if (err.code === "resources-not-skippable") {
      throw new DomainError("resources-not-skippable", err.message);
    }
    throw new DomainError("conflict", err.message, { reason: err.code });
  }
}

const nothingToContinue = (detail: string) => new DomainError("nothing-to-continue", detail);

export async function requireStage(ctx: DeploymentsContext, project: string, stage: string): Promise<Stage> {
  const found = await ctx.stages.get(project, stage);
  if (!found)
    throw new DomainError("not-found", `Project ${projectNameOfKey(project)} has no stage ${stage}.`);
  return found;
}

/** A deployment by ID, reconciled first when it is still running and has not moved for a while. */
export async function readDeployment(ctx: DeploymentsContext, id: string): Promise<Deployment | undefined> {
  const found = await ctx.deployments.get(id);
  if (!found || isTerminal(found.status)) return found;
  const idle = ctx.now().getTime() - Date.parse(found.updatedAt);
  return idle >= ctx.settings.reconcileAfterMs ? reconcile(ctx, found) : found;
}

/** Reconciles the stage's running deployment, if any, so a stage read shows fresh status. */
export async function readStage(
  ctx: DeploymentsContext,
  project: string,
  stage: string,
): Promise<Stage | undefined> {
  const found = await ctx.stages.get(project, stage);
  if (!found?.currentDeploymentId) return found;
  const before = await ctx.deployments.get(found.currentDeploymentId);
  if (!before) return found;
  if (isTerminal(before.status)) {
    // Ended, but the stage was not updated (the process stopped in between): repair it.
    await reconcile(ctx, before);
    return ctx.stages.get(project, stage);
  }
  const after = await readDeployment(ctx, before.id);
  return after && isTerminal(after.status) ? ctx.stages.get(project, stage) : found;
}
