/**
 * Bus shares (#15): the owner of a deployed bus shares it with another team to subscribe and/or
 * publish, lists what it gave, and revokes; the other team lists what it holds. Each grant and revoke
 * is in both teams' audit records. A revoke does not touch what the holder deployed: it reports the
 * holder's stages whose applied template still names the bus (their rules stay until those stages
 * are deployed again or torn down), and from then on deployments that need the share are refused.
 */
import { resolveBus } from "../buses/resolve.js";
import type { BusAccess } from "../compiler/tenancy/scope.js";
import { formatShareRef } from "../config/share-ref.js";
import { DomainError } from "../errors.js";
import { type AuditActor, auditActor } from "../store/audit.js";
import {
  type BusShare,
  BusShareExistsError,
  BusShareLimitError,
  MAX_SHARES_HELD,
  MAX_SHARES_PER_BUS,
  type Store,
} from "../store/index.js";

export type SharesContext = Pick<Store, "teams" | "projects" | "stages" | "busShares" | "audit">;

/** Who acts, and through which request (for the audit record). */
export interface ShareRequest {
  caller: AuditActor;
  requestId: string;
  now: Date;
}

export interface GrantInput {
  project: string;
  stage: string;
  bus: string;
  sharedWith: string;
  access: BusAccess[];
}

export async function grantShare(
  ctx: SharesContext,
  owner: string,
  input: GrantInput,
  request: ShareRequest,
): Promise<BusShare> {
  if (input.sharedWith === owner) {
    throw new DomainError("validation-error", "A team cannot share a bus with itself.", {
      errors: [{ path: "sharedWith", message: "another team's name" }],
    });
  }
  const [holder, project] = await Promise.all([
    ctx.teams.get(input.sharedWith),
    ctx.projects.find(owner, input.project),
  ]);
  if (!holder) throw new DomainError("not-found", `Team ${input.sharedWith} does not exist.`);
  if (!project) throw new DomainError("not-found", `Project ${input.project} does not exist.`);
  const location = resolveBus(await ctx.stages.get(project.key, input.stage), {
    project: project.name,
    stage: input.stage,
    bus: input.bus,
  });
  let share: BusShare;
  try {
    share = await ctx.busShares.grant({
      owner,
      project: project.name,
      projectKey: project.key,
      stage: input.stage,
      bus: input.bus,
      arn: location.arn,
      sharedWith: input.sharedWith,
      access: [...new Set(input.access)].sort(),
      createdAt: request.now.toISOString(),
      createdBy: request.caller.keyId,
    });
  } catch (err) {
    if (err instanceof BusShareExistsError) {
      throw new DomainError(
        "conflict",
        `Bus ${input.bus} of ${input.project}/${input.stage} is already shared with team ${input.sharedWith} (share ${err.existing.id}, to ${err.existing.access.join(" and ")}); revoke it first to change what it allows.`,
        { shareId: err.existing.id },
      );
    }
    if (err instanceof BusShareLimitError) {
      throw new DomainError(
        "limit-exceeded",
        err.limit === "per-bus"
          ? `Bus ${input.bus} is shared with ${MAX_SHARES_PER_BUS} teams already, the most one bus may be.`
          : `Team ${input.sharedWith} holds ${MAX_SHARES_HELD} shares already, the most a team may.`,
      );
    }
    throw err;
  }
  await ctx.audit.record([owner, share.sharedWith], {
    at: share.createdAt,
    actor: auditActor(request.caller),
    action: "bus-share.grant",
    target: {
      kind: "bus-share",
      id: share.id,
      bus: formatShareRef(share),
      arn: share.arn,
      sharedWith: share.sharedWith,
    },
    requestId: request.requestId,
    details: { access: share.access },
  });
  return share;
}

/** A stage of the holding team whose deployed template still names the bus. */
export interface StageUsingShare {
  project: string;
  stage: string;
  stackName: string;
}

export interface RevokeResult {
  share: BusShare;
  revokedAt: string;
  stillUsedBy: StageUsingShare[];
}

/**
 * Ends a share: the owner revokes one it gave (`given`), or the holder gives back one it holds
 * (`held`: a team cannot be kept from new shares by others filling its quota).
 */
export async function revokeShare(
  ctx: SharesContext,
  side: "given" | "held",
  team: string,
  id: string,
  request: ShareRequest,
): Promise<RevokeResult> {
  const share =
    side === "given" ? await ctx.busShares.givenById(team, id) : await ctx.busShares.heldById(team, id);
  const revokedAt = request.now.toISOString();
  if (!share || !(await ctx.busShares.revoke(share, { at: revokedAt, keyId: request.caller.keyId }))) {
    throw new DomainError(
      "not-found",
      `Team ${team} ${side === "given" ? "gave" : "holds"} no bus share ${id}.`,
    );
  }
  const stillUsedBy = await stagesUsing(ctx, share);
  await ctx.audit.record([share.owner, share.sharedWith], {
    at: revokedAt,
    actor: auditActor(request.caller),
    action: side === "given" ? "bus-share.revoke" : "bus-share.give-back",
    target: {
      kind: "bus-share",
      id: share.id,
      bus: formatShareRef(share),
      arn: share.arn,
      sharedWith: share.sharedWith,
    },
    requestId: request.requestId,
    details: { access: share.access, stillUsedBy },
  });
  return { share, revokedAt, stillUsedBy };
}

/** The holder's deployed stages whose applied template names the bus (by ARN or by name). */
export async function stagesUsing(
  ctx: Pick<SharesContext, "projects" | "stages">,
  share: BusShare,
): Promise<StageUsingShare[]> {
  const busName = share.arn.slice(share.arn.indexOf(":event-bus/") + ":event-bus/".length);
  const found: StageUsingShare[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.projects.list(share.sharedWith, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const project of page.items) {
      for (const summary of await ctx.stages.list(project.key)) {
        if (!summary.deployed) continue;
        const stage = await ctx.stages.get(project.key, summary.stage);
        const text = stage?.appliedTemplate ? JSON.stringify(stage.appliedTemplate) : "";
        if (text.includes(share.arn) || text.includes(JSON.stringify(busName))) {
          found.push({ project: project.name, stage: summary.stage, stackName: summary.stackName });
        }
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}
