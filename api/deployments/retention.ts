/**
 * How long a stage's deployment history is kept. A deployment (with its stack events) leaves the
 * history once it is not among the newest `count` deployments of its stage, or once `days` have
 * passed since it ended, whichever comes first. Never expired: a deployment still running, the
 * stage's latest deployment, its last succeeded one (what it runs), and the deployment a rollback
 * would re-apply (the newest succeeded one of another config version before that): rollback always
 * finds its template.
 *
 * Expiry is an `expiresAt` time on the items (epoch seconds): DynamoDB's TTL deletes them on AWS,
 * the embedded default's sweep (api/store/expired-items.ts) locally. Which deployments are
 * protected only ever moves forward in the history (a newer deployment takes over each role), so a
 * deployment that lost its protection never needs it back.
 */
import { type Deployment, isTerminal } from "../store/deployments.js";
import type { Stage } from "../store/stages.js";
import type { DeploymentsContext } from "./context.js";

export interface DeploymentRetention {
  /** Newest deployments kept per stage. */
  count: number;
  /** Days a deployment is kept after it ended. */
  days: number;
}

export const DEFAULT_DEPLOYMENT_RETENTION: DeploymentRetention = { count: 100, days: 90 };

/** What the policy reads of a deployment: the store's history walk returns only this. */
export type HistoryEntry = Pick<Deployment, "id" | "status" | "createdAt" | "finishedAt"> & {
  expiresAt?: number;
};

const DAY_SECONDS = 86_400;

/**
 * The expiry each deployment of a stage should carry, for those whose stored one differs: `history`
 * newest first (the whole history the store still holds), `keep` the protected ids. Pure.
 */
export function expiryChanges(
  history: readonly HistoryEntry[],
  keep: ReadonlySet<string>,
  retention: DeploymentRetention,
  now: Date,
): { id: string; expiresAt: number }[] {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const changes: { id: string; expiresAt: number }[] = [];
  history.forEach((d, position) => {
    if (position === 0 || keep.has(d.id) || !isTerminal(d.status)) return;
    const ended = Math.floor(Date.parse(d.finishedAt ?? d.createdAt) / 1000);
    const due = position >= retention.count ? nowSeconds : ended + retention.days * DAY_SECONDS;
    if (d.expiresAt === undefined || d.expiresAt > due) changes.push({ id: d.id, expiresAt: due });
  });
  return changes;
}

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
