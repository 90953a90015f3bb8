import type { WorkloadAccess } from "../compiler/connect-to.js";
import type { CompileContext } from "../compiler/context.js";
import { allow, arnOf, getAtt, policyDocument, trustPolicy } from "../compiler/template.js";

/**
 * A workload's role: the base statements it needs to run (logs, image pulls), connectTo grants and
 * the user's own statements, each in its own inline policy so a reader sees where a grant comes from.
 */
export function workloadRole(
  ctx: CompileContext,
  owner: string,
  roleLogicalId: string,
  service: string,
  base: unknown[],
  access?: WorkloadAccess,
): void {
  const policies = [
    base.length > 0 ? { PolicyName: "base", PolicyDocument: policyDocument(base) } : undefined,
    access && access.statements.length > 0
      ? { PolicyName: "connect-to", PolicyDocument: policyDocument(access.statements) }
      : undefined,
    access && access.customStatements.length > 0
      ? { PolicyName: "custom-iam-role-statements", PolicyDocument: policyDocument(access.customStatements) }
      : undefined,
  ].filter(Boolean);
  ctx.add(owner, roleLogicalId, {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: ctx.roleName(roleNameSuffix(owner, roleLogicalId)),
      AssumeRolePolicyDocument: trustPolicy(service),
      ...(policies.length > 0 ? { Policies: policies } : {}),
    },
  });
}

/** `myJob` + `MyJobExecutionRole` → `myJob-execution`; the main role of a resource is just its name. */
function roleNameSuffix(owner: string, roleLogicalId: string): string {
  const rest = roleLogicalId.slice(owner.length).replace(/Role$/, "");
  return rest ? `${owner}-${rest.toLowerCase()}` : owner;
}

/**
 * The execution role ECS uses to start a container (batch jobs and Fargate workloads alike): write
 * to the resource's log groups (none when its logging is off) and pull images from this account's repositories.
 */
export function containerExecutionRole(
  ctx: CompileContext,
  owner: string,
  roleLogicalId: string,
  logGroupLogicalIds: string | readonly string[] | undefined,
): void {
  const logGroups = logGroupLogicalIds === undefined ? [] : [logGroupLogicalIds].flat();
  workloadRole(ctx, owner, roleLogicalId, "ecs-tasks.amazonaws.com", [
    ...(logGroups.length > 0
      ? [
          allow(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            logGroups.map((id) => getAtt(id, "Arn")),
          ),
        ]
      : []),
    // GetAuthorizationToken cannot be scoped to a resource; image pulls are scoped to this account's repositories.
    allow(["ecr:GetAuthorizationToken"], ["*"]),
    allow(
      ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      [arnOf("ecr", "repository/*")],
    ),
  ]);
}
