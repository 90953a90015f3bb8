/**
 * Where a stage deploys and what its stack may name: the stack name (kept while the stack exists,
 * else in the team's namespace) and the team's tenant scope (api/compiler/tenancy) from the store:
 * its namespace, the buses shared with it, what a platform admin allowed it, the domains registered
 * to it (and to others, which it may not attach).
 */
import type { TenantScope } from "../compiler/tenancy/scope.js";
import { formatShareRef } from "../config/share-ref.js";
import { DomainError } from "../errors.js";
import { IDENTIFIER, IDENTIFIER_RULE } from "../identifier.js";
import type { Project } from "../store/projects.js";
import { projectNameOfKey } from "../store/projects.js";
import { namespacePrefix, teamStackName } from "../teams/namespace.js";
import type { DeploymentSettings, DeploymentsContext } from "./context.js";

export interface StageTarget {
  project: Project;
  stackName: string;
  scope: TenantScope;
}

/**
 * The stack a stage deploys as and the scope it is held to. A stack that exists keeps its name
 * (stages deployed before team namespaces keep `<prefix><project>-<stage>` until torn down, and may
 * name their own stack's `<stack>-...` besides the namespace); a new one is
 * `<prefix><ns>--<project>--<stage>`.
 */
export async function stageTarget(
  ctx: DeploymentsContext,
  projectKey: string,
  stage: string,
): Promise<StageTarget> {
  const [existing, project] = await Promise.all([
    ctx.stages.get(projectKey, stage),
    ctx.projects.get(projectKey),
  ]);
  const namespace = project && (await ctx.teams.namespaceOf(project.team));
  if (!project || !namespace)
    throw new DomainError("not-found", `Project ${projectNameOfKey(projectKey)} does not exist.`);
  const prefix = ctx.settings.stackPrefix ?? "";
  const kept = existing?.deployed && existing.stackName;
  // A stack is named for the stage here: `--` inside a stage name would make its name ambiguous.
  if (!kept && !IDENTIFIER.test(stage)) {
    throw new DomainError(
      "validation-error",
      `A new stage's name must be ${IDENTIFIER_RULE}: "${stage}" is not.`,
      {
        errors: [{ path: "stage", message: IDENTIFIER_RULE }],
      },
    );
  }
  const stackName = kept ? existing.stackName : teamStackName(prefix, namespace, project.name, stage);
  return { project, stackName, scope: await tenantScope(ctx, project.team, namespace, stackName) };
}

/** What the scope is read from: the store's allow-lists and shares, the installation's settings. */
export type ScopeSources = Pick<DeploymentsContext, "allowedResources" | "busShares" | "teamDomains"> & {
  settings: Pick<DeploymentSettings, "stackPrefix" | "region" | "account" | "localNetwork">;
};

export async function tenantScope(
  ctx: ScopeSources,
  team: string,
  namespace: string,
  stackName: string,
): Promise<TenantScope> {
  const names = namespacePrefix(ctx.settings.stackPrefix ?? "", namespace);
  const [allowed, held, revoked, domains] = await Promise.all([
    ctx.allowedResources.get(team),
    ctx.busShares.held(team),
    ctx.busShares.revoked(team),
    ctx.teamDomains.all(),
  ]);
  const heldArns = new Set(held.map((s) => s.arn));
  const region = ctx.settings.region ?? ctx.settings.localNetwork?.region;
  return {
    team,
    namePrefixes: stackName.startsWith(names) ? [names] : [names, `${stackName}-`],
    ...(ctx.settings.account ? { account: ctx.settings.account } : {}),
    ...(region ? { region } : {}),
    sharedBuses: held.map((s) => ({ arn: s.arn, access: s.access, path: formatShareRef(s), id: s.id })),
    // A bus shared again after a revoke is held, not revoked.
    revokedBuses: revoked
      .filter((s) => !heldArns.has(s.arn))
      .map((s) => ({ arn: s.arn, path: formatShareRef(s), id: s.id, revokedAt: s.revokedAt })),
    allowed: allowed.arns,
    domains: domains
      .filter((d) => d.team === team)
      .map(({ name, hostedZoneId, certificateArn, cdnCertificateArn }) => ({
        name,
        hostedZoneId,
        ...(certificateArn ? { certificateArn } : {}),
        ...(cdnCertificateArn ? { cdnCertificateArn } : {}),
      })),
    foreignDomains: domains.filter((d) => d.team !== team).map((d) => d.name),
  };
}
