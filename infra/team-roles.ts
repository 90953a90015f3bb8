/**
 * What each team's CloudFormation service role may do (api/teams/service-role.ts): the control plane
 * creates a team's role at run time, tagged with its namespace, and attaches the managed policies made
 * once here. They scope every name to `<prefix><namespace>--*` through the role's tag; the boundary
 * caps the role at the services and names the platform service role may touch, whatever is attached.
 */
import { Effect, ManagedPolicy, PolicyDocument, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { MANAGED_TYPE_GROUPS } from "./managed-types.js";
import {
  readCodeArtifacts,
  resolveSecrets,
  type ServiceRoleOptions,
  teamStackStatements,
  UNSCOPABLE_ACTIONS,
} from "./permissions.js";

export interface TeamRolePolicies {
  /** Attached to every team role (IAM's 6,144-character limit per managed policy splits them). */
  policies: ManagedPolicy[];
  boundary: ManagedPolicy;
}

/** What a managed policy may hold, less room for the references CDK resolves at deploy time. */
const POLICY_BUDGET = 5_800;

export function createTeamRolePolicies(
  scope: Construct,
  options: ServiceRoleOptions & { stackPrefix: string },
): TeamRolePolicies {
  const { stackPrefix, ...platform } = options;
  const policies = packed(teamStackStatements({ ...platform, stackPrefix })).map(
    (statements, i) =>
      new ManagedPolicy(scope, `TeamStacksPolicy${i + 1}`, {
        description: `What a team's CloudFormation service role may do (part ${i + 1}): names in the team's namespace only.`,
        document: new PolicyDocument({ statements }),
      }),
  );
  const boundary = new ManagedPolicy(scope, "TeamRoleBoundary", {
    description:
      "Permissions boundary of every team's CloudFormation service role: the platform role's reach.",
    document: new PolicyDocument({ statements: boundaryStatements(platform) }),
  });
  return { policies, boundary };
}

/**
 * The boundary: each managed service's actions on the names the platform role may touch (the same
 * ARNs), the reads AWS cannot scope, service-linked roles and code artifacts. A ceiling, not a
 * grant: a team role does only what its policies allow within it.
 */
function boundaryStatements({ arns, artifactBuckets }: ServiceRoleOptions): PolicyStatement[] {
  const statements = MANAGED_TYPE_GROUPS.flatMap((group) => {
    const services = [...new Set(group.actions.map((a) => a.split(":")[0]!))];
    return [
      new PolicyStatement({
        sid: group.sid,
        actions: services.map((s) => `${s}:*`),
        resources: group.resources(arns),
      }),
      ...(group.onParent
        ? [
            new PolicyStatement({
              sid: `${group.sid}OnParent`,
              actions: [...group.onParent.actions],
              resources: group.onParent.resources(arns),
            }),
          ]
        : []),
    ];
  });
  statements.push(
    resolveSecrets(arns),
    new PolicyStatement({
      sid: "Roles",
      actions: [
        "iam:PassRole",
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
      ],
      resources: [arns.roles],
    }),
    new PolicyStatement({
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: arns.serviceLinkedRoles,
    }),
    new PolicyStatement({
      sid: "Unscopable",
      actions: UNSCOPABLE_ACTIONS.filter((a) => !a.startsWith("events:")),
      resources: ["*"],
    }),
    new PolicyStatement({
      sid: "NoBoundaryRemoval",
      effect: Effect.DENY,
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: ["*"],
    }),
  );
  return [...statements, ...readCodeArtifacts(artifactBuckets)];
}

/** Statements in order, packed into as few policies as fit the budget (references counted long). */
export function packed(statements: PolicyStatement[]): PolicyStatement[][] {
  const size = (s: PolicyStatement) =>
    JSON.stringify(s.toStatementJson()).replace(/\$\{Token\[[^\]]+\]\}/g, "x".repeat(40)).length;
  const out: PolicyStatement[][] = [[]];
  let used = 0;
  for (const statement of statements) {
    const n = size(statement);
    if (used + n > POLICY_BUDGET && out.at(-1)!.length > 0) {
      out.push([]);
      used = 0;
    }
    out.at(-1)!.push(statement);
    used += n;
  }
  return out;
}
