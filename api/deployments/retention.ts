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
import { type HistoryEntry, isTerminal } from "../store/deployments.js";

export type { HistoryEntry };

export interface DeploymentRetention {
  /** Newest deployments kept per stage. */
  count: number;
  /** Days a deployment is kept after it ended. */
  days: number;
}

export const DEFAULT_DEPLOYMENT_RETENTION: DeploymentRetention = { count: 100, days: 90 };

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
