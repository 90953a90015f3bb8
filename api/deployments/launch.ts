/**
 * The common path of deploy, rollback, teardown and continue-rollback: record the deployment and take
 * the stage lock in one transaction, start the stack operation, and record how the start went.
 */
import { ulid } from "ulid";
import { DomainError } from "../errors.js";
import { type Deployment, type DeploymentKind, isTerminal, StageLockedError } from "../store/deployments.js";
import { projectNameOfKey } from "../store/projects.js";
import type { Stage } from "../store/stages.js";
import type { DeploymentsContext } from "./context.js";
import { tokenOf } from "./names.js";
import type { OutputMap } from "./outputs.js";
import { DeployerError, type StartResult, type Template } from "./port.js";
import { finish, reconcile } from "./reconcile.js";

export interface LaunchInput {
  /** The project's key. */
  project: string;
  stage: string;
  /** The stack the operation runs on (compile-version.ts: stackNameFor, or the stage's own). */
  stackName: string;
  kind: DeploymentKind;
  actor: string;
  configVersion?: number;
  template?: Template;
  parameters?: Record<string, string>;
  outputMap?: OutputMap;
  warnings?: string[];
  rollbackOf?: string;
  /** For a continue-rollback: logical IDs CloudFormation should mark rolled back without acting. */
  resourcesToSkip?: string[];
}

export async function launch(ctx: DeploymentsContext, input: LaunchInput): Promise<Deployment> {
  const now = ctx.now();
  const id = ulid(now.getTime());
  const deployment: Deployment = {
    id,
    project: input.project,
    stage: input.stage,
    kind: input.kind,
    status: "PENDING",
    stackName: input.stackName,
    token: tokenOf(id),
    createdAt: now.toISOString(),
    createdBy: input.actor,
    updatedAt: now.toISOString(),
    ...(input.configVersion !== undefined ? { configVersion: input.configVersion } : {}),
    ...(input.template ? { template: input.template } : {}),
    ...(input.parameters ? { parameters: input.parameters } : {}),
    ...(input.outputMap ? { outputMap: input.outputMap } : {}),
    ...(input.warnings && input.warnings.length > 0 ? { warnings: input.warnings } : {}),
    ...(input.rollbackOf ? { rollbackOf: input.rollbackOf } : {}),
  };
  await takeLock(ctx, deployment);

  // A refused continue-rollback changes nothing, so it leaves no trace: see undoRefused.
  const before =
    input.kind === "continue-rollback" ? await ctx.stages.get(input.project, input.stage) : undefined;
  const stage = await ctx.stages.save(
    input.project,
    input.stage,
    {
      stackName: deployment.stackName,
      status: input.kind === "teardown" ? "DELETING" : "DEPLOYING",
      currentDeploymentId: id,
      lastDeploymentId: id,
    },
    now,
  );

  let result: StartResult;
  try {
    const target = { stackName: deployment.stackName, ...(stage.stackId ? { stackId: stage.stackId } : {}) };
    result =
      input.kind === "teardown"
        ? await ctx.deployer.teardown({ ...target, token: deployment.token })
        : input.kind === "continue-rollback"
          ? await ctx.deployer.continueRollback({
              ...target,
              token: deployment.token,
              ...(input.resourcesToSkip ? { resourcesToSkip: input.resourcesToSkip } : {}),
            })
          : await ctx.deployer.start({
              ...target,
              template: input.template!,
              parameters: input.parameters ?? {},
              token: deployment.token,
              tags: {
                "switchyard:project": projectNameOfKey(input.project),
                "switchyard:stage": input.stage,
              },
            });
  } catch (err) {
    if (input.kind === "continue-rollback" && err instanceof DeployerError) {
      await undoRefused(ctx, deployment, before);
      throw err;
    }
    const reason = err instanceof Error ? err.message : String(err);
    ctx.log.warn("deployment failed to start", { deploymentId: id, reason });
    return finish(ctx, deployment, {
      status: "FAILED",
      reason,
      ...(err instanceof DeployerError && err.code === "stack-needs-action" ? { needsAction: reason } : {}),
    });
  }
  if (result.kind === "noop") {
    return finish(ctx, deployment, {
      status: "SUCCEEDED",
      noop: true,
      reason:
        input.kind === "teardown" ? "The stack does not exist." : "No changes: the stack already matches.",
      ...(result.stackId ? { stackId: result.stackId } : {}),
    });
  }
  if (input.kind === "deploy" || input.kind === "rollback") {
    await ctx.stages.save(input.project, input.stage, { stackId: result.stackId, deployed: true }, ctx.now());
  }
  const started = await ctx.deployments.update(deployment, {
    status: "IN_PROGRESS",
    stackId: result.stackId,
    startedAt: ctx.now().toISOString(),
    updatedAt: ctx.now().toISOString(),
  });
  // Locally the operation may already have ended and been reconciled; then the terminal state stands.
  return started ?? (await ctx.deployments.get(id)) ?? deployment;
}

/**
 * A continue-rollback the deployer refused before calling anything that changes the stack (the stack
 * is not stuck, a skip is wrong): the stage gets back what it showed, the deployment record goes, and
 * the stage is free again. The caller gets the refusal as a problem instead of a FAILED deployment.
 * Other errors may come after the call reached CloudFormation, so they end the deployment FAILED.
 */
async function undoRefused(ctx: DeploymentsContext, deployment: Deployment, before: Stage | undefined) {
  await ctx.stages.save(
    deployment.project,
    deployment.stage,
    {
      status: before?.status ?? "FAILED",
      currentDeploymentId: undefined,
      lastDeploymentId: before?.lastDeploymentId,
    },
    ctx.now(),
  );
  await ctx.deployments.discard(deployment);
  await ctx.locks.release(deployment.project, deployment.stage, deployment.id);
}

/** A lock naming a deployment that was never written is a crash between the two writes. */
const ORPHAN_LOCK_MS = 30_000;

/** Takes the stage lock with the new deployment; a lock left by an ended deployment is cleared first. */
async function takeLock(ctx: DeploymentsContext, deployment: Deployment): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.deployments.createLocked(
        deployment,
        ctx.locks.acquirePut(
          deployment.project,
          deployment.stage,
          deployment.id,
          ctx.now(),
          ctx.settings.leaseMs,
        ),
      );
      return;
    } catch (err) {
      if (!(err instanceof StageLockedError)) throw err;
    }
    const lock = await ctx.locks.get(deployment.project, deployment.stage);
    if (attempt === 0) {
      if (!lock) continue;
      const holder = await ctx.deployments.get(lock.owner);
      // The holder may have ended without releasing (a crash between the two writes): reconcile it.
      const settled = holder ? await reconcile(ctx, holder) : undefined;
      const orphan = !holder && ctx.now().getTime() - lock.acquiredAt > ORPHAN_LOCK_MS;
      if (orphan) await ctx.locks.release(deployment.project, deployment.stage, lock.owner);
      if (orphan || (settled && isTerminal(settled.status))) continue;
    }
    throw new DomainError(
      "conflict",
      `Deployment ${lock?.owner ?? "(unknown)"} is still running on stage ${deployment.stage}; wait for it to end.`,
      { runningDeploymentId: lock?.owner },
    );
  }
}
