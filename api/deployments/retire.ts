/**
 * Retention applied to a stage (the policy is retention.ts): which deployments are protected, and
 * the expiry the others get when a deployment of the stage ends.
 */
import type { Deployment } from "../store/deployments.js";
import type { Stage } from "../store/stages.js";
import type { DeploymentsContext } from "./context.js";
import { DEFAULT_DEPLOYMENT_RETENTION, expiryChanges } from "./retention.js";

/**
 * The deployment a rollback of `stage` re-applies: the newest succeeded one before the stage's last
 * succeeded deployment whose config version differs from the one it runs, unless a teardown came
 * between (what ran before a teardown is not a state the stack can return to).
 */
export async function rollbackTarget(ctx: DeploymentsContext, stage: Stage): Promise<Deployment | undefined> {
  let cursor: string | undefined;
  let passedCurrent = stage.lastSucceededDeploymentId === undefined;
  do {
    const page = await ctx.deployments.list(stage.project, stage.stage, {
      limit: 50,
      ...(cursor ? { cursor } : {}),
    });
    for (const d of page.items) {
      if (d.id === stage.lastSucceededDeploymentId) {
        passedCurrent = true;
        continue;
      }
      if (!passedCurrent || d.status !== "SUCCEEDED") continue;
      if (d.kind === "teardown") return undefined;
      if (d.configVersion !== stage.deployedConfigVersion) {
        const full = await ctx.deployments.get(d.id);
        if (full?.template) return full;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

/**
 * Gives the stage's deployments their expiry under the retention settings (run when a deployment
 * of the stage ends). Reads the stage's history once (small projected items); writes only changes.
 */
export async function retireDeployments(
  ctx: DeploymentsContext,
  project: string,
  stageName: string,
): Promise<void> {
  const stage = await ctx.stages.get(project, stageName);
  if (!stage) return;
  const target = stage.deployed ? await rollbackTarget(ctx, stage) : undefined;
  const keep = new Set(
    [stage.currentDeploymentId, stage.lastDeploymentId, stage.lastSucceededDeploymentId, target?.id].filter(
      (id): id is string => id !== undefined,
    ),
  );
  const history = await ctx.deployments.history(project, stageName);
  const retention = ctx.settings.retention ?? DEFAULT_DEPLOYMENT_RETENTION;
  for (const change of expiryChanges(history, keep, retention, ctx.now())) {
    await ctx.deployments.expire(project, stageName, change.id, change.expiresAt);
  }
}
