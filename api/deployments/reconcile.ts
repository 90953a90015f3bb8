/**
 * Reconcile: bring a deployment in line with its stack operation. Reads the operation's status, new
 * events and outputs from the Deployer; on a terminal status records the outcome on the deployment
 * and the stage and releases the lock. Idempotent: terminal deployments never change, events are
 * keyed by their stack event ID, and the cursor only moves forward under a condition.
 */
import { type Deployment, isTerminal } from "../store/deployments.js";
import type { Stage } from "../store/stages.js";
import type { DeploymentsContext } from "./context.js";
import { paramsFromOutputs } from "./outputs.js";
import type { OperationStatus } from "./port.js";
import { retireDeployments } from "./retire.js";

export async function reconcile(ctx: DeploymentsContext, deployment: Deployment): Promise<Deployment> {
  if (isTerminal(deployment.status)) {
    await repairStage(ctx, deployment);
    await ctx.locks.release(deployment.project, deployment.stage, deployment.id);
    return deployment;
  }
  let status: OperationStatus;
  try {
    status = await ctx.deployer.describe({
      stackName: deployment.stackName,
      ...(deployment.stackId ? { stackId: deployment.stackId } : {}),
      token: deployment.token,
      ...(deployment.eventCursor ? { afterEventId: deployment.eventCursor } : {}),
    });
  } catch (err) {
    ctx.log.warn("reconcile could not describe the stack", {
      deploymentId: deployment.id,
      error: String(err),
    });
    return deployment;
  }
  if (status.unknownOperation) {
    const age = ctx.now().getTime() - Date.parse(deployment.createdAt);
    if (deployment.status === "PENDING" && age > ctx.settings.pendingGraceMs) {
      return finish(ctx, deployment, {
        status: "CANCELLED",
        reason: "The deployer stopped before the stack operation started.",
      });
    }
    return deployment;
  }
  if (status.events.length > 0) await ctx.deployments.appendEvents(deployment, status.events);
  const eventCursor = status.events.at(-1)?.id ?? deployment.eventCursor;
  if (status.phase === "IN_PROGRESS") {
    const updated = await ctx.deployments.update(
      deployment,
      {
        status: "IN_PROGRESS",
        stackStatus: status.stackStatus,
        updatedAt: ctx.now().toISOString(),
        ...(eventCursor ? { eventCursor } : {}),
        ...(deployment.startedAt ? {} : { startedAt: ctx.now().toISOString() }),
      },
      { expectCursor: deployment.eventCursor ?? null },
    );
    await ctx.locks.extend(
      deployment.project,
      deployment.stage,
      deployment.id,
      ctx.now(),
      ctx.settings.leaseMs,
    );
    return updated ?? (await ctx.deployments.get(deployment.id)) ?? deployment;
  }
  return finish(ctx, deployment, {
    status: status.phase,
    stackStatus: status.stackStatus,
    stackOutputs: status.outputs,
    ...(status.reason ? { reason: status.reason } : {}),
    ...(status.needsAction
      ? { needsAction: `${status.stackStatus}: ${status.reason ?? "see the stack events"}` }
      : {}),
    ...(status.stackId ? { stackId: status.stackId } : {}),
    ...(eventCursor ? { eventCursor } : {}),
  });
}

export interface Outcome {
  status: "SUCCEEDED" | "FAILED" | "CANCELLED";
  reason?: string;
  noop?: boolean;
  stackStatus?: string;
  stackId?: string;
  stackOutputs?: Record<string, string>;
  needsAction?: string;
  eventCursor?: string;
}

/** Records a terminal outcome on the deployment and its stage, then frees the stage. */
export async function finish(
  ctx: DeploymentsContext,
  deployment: Deployment,
  outcome: Outcome,
): Promise<Deployment> {
  const now = ctx.now().toISOString();
  const { stackOutputs: _o, needsAction: _n, ...fields } = outcome;
  const updated = await ctx.deployments.update(deployment, { ...fields, finishedAt: now, updatedAt: now });
  if (!updated) {
    // Someone else finished it first; their outcome stands.
    const current = (await ctx.deployments.get(deployment.id)) ?? deployment;
    if (isTerminal(current.status))
      await ctx.locks.release(deployment.project, deployment.stage, deployment.id);
    return current;
  }
  const stage = await ctx.stages.get(deployment.project, deployment.stage);
  // A deployment that outlived its lease must not overwrite what a newer deployment recorded.
  if (stage && (stage.currentDeploymentId === undefined || stage.currentDeploymentId === deployment.id)) {
    await ctx.stages.save(
      deployment.project,
      deployment.stage,
      stageFields(updated, outcome, stage),
      ctx.now(),
    );
  }
  await ctx.locks.release(deployment.project, deployment.stage, deployment.id);
  await retire(ctx, updated);
  return updated;
}

/** The stage's older history gets its expiry; a failure here never fails the deployment. */
async function retire(ctx: DeploymentsContext, deployment: Deployment): Promise<void> {
  try {
    await retireDeployments(ctx, deployment.project, deployment.stage);
  } catch (err) {
    ctx.log.warn("could not apply the deployment history's retention", {
      deploymentId: deployment.id,
      error: String(err),
    });
  }
}

/**
 * A process that stopped between recording a deployment's end and updating its stage leaves the
 * stage naming a finished deployment as current: record that deployment's outcome on it now.
 */
async function repairStage(ctx: DeploymentsContext, deployment: Deployment): Promise<void> {
  const stage = await ctx.stages.get(deployment.project, deployment.stage);
  if (!stage || stage.currentDeploymentId !== deployment.id) return;
  let stackOutputs: Record<string, string> | undefined;
  if (deployment.status === "SUCCEEDED" && deployment.kind !== "teardown" && !deployment.noop) {
    try {
      stackOutputs = (
        await ctx.deployer.describe({
          stackName: deployment.stackName,
          ...(deployment.stackId ? { stackId: deployment.stackId } : {}),
          token: deployment.token,
        })
      ).outputs;
    } catch (err) {
      ctx.log.warn("could not read outputs to repair a stage", {
        deploymentId: deployment.id,
        error: String(err),
      });
    }
  }
  const outcome: Outcome = {
    status: deployment.status as Outcome["status"],
    ...(stackOutputs ? { stackOutputs } : {}),
    ...(deployment.stackId ? { stackId: deployment.stackId } : {}),
  };
  await ctx.stages.save(
    deployment.project,
    deployment.stage,
    stageFields(deployment, outcome, stage),
    ctx.now(),
  );
}

function stageFields(d: Deployment, outcome: Outcome, stage: Stage): Partial<Stage> {
  const common: Partial<Stage> = { currentDeploymentId: undefined, needsAction: outcome.needsAction };
  if (d.kind === "teardown") {
    return outcome.status === "SUCCEEDED"
      ? {
          ...common,
          status: "DELETED",
          deployed: false,
          outputs: {},
          stackOutputs: {},
          stackId: undefined,
          deployedConfigVersion: undefined,
          appliedTemplate: undefined,
          appliedParameters: undefined,
          lastSucceededDeploymentId: d.id,
        }
      : { ...common, status: "FAILED" };
  }
  if (outcome.status !== "SUCCEEDED") {
    // A failed update rolled back: the stage still runs what it ran before. A continue-rollback that
    // did not succeed never leaves a stuck stack less stuck: what it needed stays until told otherwise.
    const stillStuck =
      d.kind === "continue-rollback" ? { needsAction: outcome.needsAction ?? stage.needsAction } : {};
    // A first deployment that failed and rolled back (ROLLBACK_COMPLETE: its create, or a create a
    // stopped process left behind) holds no resources: nothing is deployed, no version runs.
    const nothingDeployed =
      (outcome.stackStatus ?? d.stackStatus) === "ROLLBACK_COMPLETE" &&
      stage.deployedConfigVersion === undefined
        ? { deployed: false }
        : {};
    return { ...common, ...stillStuck, ...nothingDeployed, status: "FAILED" };
  }
  if (d.kind === "continue-rollback") {
    // The stack is back on what the last succeeded deployment applied: that version, template and
    // outputs stay the stage's; only the stuck state (needsAction, in `common`) goes.
    return { ...common, status: "DEPLOYED" };
  }
  const stackOutputs = outcome.stackOutputs ?? stage.stackOutputs ?? {};
  return {
    ...common,
    status: "DEPLOYED",
    deployed: true,
    deployedConfigVersion: d.configVersion,
    lastSucceededDeploymentId: d.id,
    stackOutputs,
    outputs: paramsFromOutputs(d.outputMap ?? {}, stackOutputs),
    ...(d.template ? { appliedTemplate: d.template } : {}),
    ...(d.parameters ? { appliedParameters: d.parameters } : {}),
    ...(outcome.stackId ? { stackId: outcome.stackId } : {}),
  };
}
