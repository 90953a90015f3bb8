/**
 * Recovery at start, for a process that runs stack operations itself (`npm start`): deployments a
 * stopped process left in flight are reconciled at once, not when someone next reads them, so no
 * stage keeps saying it is deploying (or deployed, with no version) for a process that is gone.
 */
import { type Deployment, isTerminal } from "../store/deployments.js";
import type { DeploymentsContext } from "./context.js";
import { reconcile } from "./reconcile.js";

/**
 * Every stage that names a current deployment (found through every project: one query per project,
 * at start only) has that deployment reconciled with its stack. A deployment still PENDING never
 * reached the deployer (the process stopped first), so it is cancelled now rather than after the
 * usual grace period.
 */
export async function reconcileInterruptedDeployments(ctx: DeploymentsContext): Promise<Deployment[]> {
  const stopped: DeploymentsContext = { ...ctx, settings: { ...ctx.settings, pendingGraceMs: 0 } };
  const reconciled: Deployment[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.projects.list(undefined, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const project of page.items) {
      for (const stage of await ctx.stages.list(project.key)) {
        if (!stage.currentDeploymentId) continue;
        const deployment = await ctx.deployments.get(stage.currentDeploymentId);
        if (!deployment) continue;
        const after = await reconcile(stopped, deployment);
        if (!isTerminal(deployment.status)) reconciled.push(after);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return reconciled;
}
