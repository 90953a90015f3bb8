/**
 * Least-privilege policies of Switchyard on AWS. Three principals:
 * - the CloudFormation service role: creates and deletes the resources of Switchyard's stacks, so it
 *   may touch only the resource types the compiler emits (managed-types.ts) named with the prefix;
 * - the API function: manages Switchyard's stacks only through that role, hands CloudFormation
 *   large templates through the template bucket, and operates its buses;
 * - the reconcile function: reads stack status and records it.
 * No statement has a `*` action; `Resource: "*"` appears only for read-only calls AWS cannot scope.
 */
import { Aws } from "aws-cdk-lib";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { TEAM_NAMESPACE_TAG, TEAM_ROLE_PATH } from "../api/teams/service-role.js";
import { type SwitchyardArns, switchyardArns } from "./arns.js";
import { MANAGED_TYPE_GROUPS, ROLE_CONSUMERS, SERVICE_LINKED_ROLE_SERVICES } from "./managed-types.js";

/**
 * Actions IAM cannot scope to a resource: the only ones allowed on "*". All are reads or
 * side-effect free, except registering ECS task definitions, which runs nothing by itself
 * (running one needs the service actions, which are scoped to our clusters).
 */
export const UNSCOPABLE_ACTIONS = [
  "batch:DescribeComputeEnvironments",
  "batch:DescribeJobQueues",
  "batch:DescribeJobDefinitions",
  "logs:DescribeLogGroups",
  // Batch and ECS check the subnets, security groups and VPC they are given (template parameters).
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeVpcs",
  "ecs:RegisterTaskDefinition",
  "ecs:DeregisterTaskDefinition",
  "ecs:DescribeTaskDefinition",
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:DescribeScalingPolicies",
  "servicediscovery:CreatePrivateDnsNamespace",
  "servicediscovery:GetOperation",
  // A private DNS namespace is a Route 53 private hosted zone that Cloud Map creates for it.
  "route53:CreateHostedZone",
  "events:TestEventPattern",
  "events:ListRules",
  // A stage's health (the API only): metric reads have no resource-level permissions.
  "cloudwatch:GetMetricData",
] as const;

const SERVICE_ROLE_UNSCOPABLE = UNSCOPABLE_ACTIONS.filter(
  (a) => !a.startsWith("events:") && a !== "cloudwatch:GetMetricData",
);

export interface ServiceRoleOptions {
  arns: SwitchyardArns;
  /** Buckets holding function code artifacts that deployments reference. */
  artifactBuckets: readonly string[];
  /** The workload boundary every created role must carry; undefined leaves roles unbounded. */
  boundaryArn?: string;
}

export function serviceRoleStatements({
  arns,
  artifactBuckets,
  boundaryArn,
}: ServiceRoleOptions): PolicyStatement[] {
  // With a boundary, a role can only be created or given permissions while it carries it.
  const bounded = boundaryArn ? { StringEquals: { "iam:PermissionsBoundary": boundaryArn } } : undefined;
  const statements = MANAGED_TYPE_GROUPS.flatMap((group) => [
    new PolicyStatement({ sid: group.sid, actions: [...group.actions], resources: group.resources(arns) }),
    ...(group.onParent
      ? [
          new PolicyStatement({
            sid: `${group.sid}OnParent`,
            actions: [...group.onParent.actions],
            resources: group.onParent.resources(arns),
          }),
        ]
      : []),
  ]);
  statements.push(
    resolveSecrets(arns),
    new PolicyStatement({
      sid: "PassOwnRolesToTheirServices",
      actions: ["iam:PassRole"],
      resources: [arns.roles],
      conditions: { StringEquals: { "iam:PassedToService": [...ROLE_CONSUMERS] } },
    }),
    new PolicyStatement({
      sid: "CreateRoles",
      actions: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
      resources: [arns.roles],
      ...(bounded ? { conditions: bounded } : {}),
    }),
    new PolicyStatement({
      // AWS-managed service-role policies only (Batch, ECS, Lambda basics): never AdministratorAccess.
      sid: "AttachServiceRolePolicies",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [arns.roles],
      conditions: {
        ArnLike: { "iam:PolicyARN": `arn:${Aws.PARTITION}:iam::aws:policy/service-role/*` },
        ...(bounded ?? {}),
      },
    }),
    new PolicyStatement({
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: arns.serviceLinkedRoles,
      conditions: { StringEquals: { "iam:AWSServiceName": [...SERVICE_LINKED_ROLE_SERVICES] } },
    }),
    new PolicyStatement({
      sid: "Unscopable",
      actions: [...SERVICE_ROLE_UNSCOPABLE],
      resources: ["*"],
    }),
  );
  if (boundaryArn) {
    statements.push(
      new PolicyStatement({
        sid: "KeepTheBoundary",
        effect: Effect.DENY,
        actions: ["iam:DeleteRolePermissionsBoundary"],
        resources: [arns.roles],
      }),
    );
  }
  return [...statements, ...readCodeArtifacts(artifactBuckets)];
}

/**
 * `$Secret` and `$SsmParam` become dynamic references that CloudFormation resolves with the stack's
 * role: secrets and parameters named with the prefix only (a team's role: its namespace,
 * `<prefix><namespace>--*`).
 */
export function resolveSecrets(arns: SwitchyardArns): PolicyStatement {
  return new PolicyStatement({
    sid: "ResolveSecretsAndParameters",
    actions: ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters"],
    resources: [arns.secrets, arns.parameters],
  });
}

/** Reading function code from the configured artifact buckets, when there are any. */
export function readCodeArtifacts(artifactBuckets: readonly string[]): PolicyStatement[] {
  if (artifactBuckets.length === 0) return [];
  return [
    new PolicyStatement({
      sid: "ReadCodeArtifacts",
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      resources: artifactBuckets.map((b) => `arn:${Aws.PARTITION}:s3:::${b}/*`),
    }),
  ];
}

/**
 * The name prefix of one team's resources, `<stackPrefix><namespace>--`, with the namespace read from
 * the tag of the role that runs the stack (api/teams/service-role.ts). A role without the tag
 * matches no resource: an IAM policy variable without a value matches nothing.
 */
export const teamNamePrefix = (stackPrefix: string) =>
  `${stackPrefix}\${aws:PrincipalTag/${TEAM_NAMESPACE_TAG}}--`;

/**
 * What every team's service role may do (one managed policy for all teams): the platform service
 * role's statements with every name-scoped ARN narrowed to the team's `<prefix><namespace>--*`.
 * Resources AWS names by id (HTTP APIs, scaling targets, Cloud Map, hosted zones) stay scoped to
 * the account and region, as for the platform role.
 */
export function teamStackStatements(options: Omit<ServiceRoleOptions, "arns"> & { stackPrefix: string }) {
  return serviceRoleStatements({
    arns: switchyardArns(teamNamePrefix(options.stackPrefix)),
    artifactBuckets: options.artifactBuckets,
    ...(options.boundaryArn ? { boundaryArn: options.boundaryArn } : {}),
  });
}

/** ARN pattern of every team's service role (api/teams/service-role.ts). */
export const teamRolesArn = (stackPrefix: string) =>
  `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role${TEAM_ROLE_PATH}${stackPrefix}-*`;

export interface TeamRoleRefs {
  /** ARN pattern of the team roles (teamRolesArn). */
  rolesArn: string;
  /** The managed policies every team role gets (infra/team-roles.ts). */
  policyArns: string[];
  boundaryArn: string;
}

/**
 * How the API makes a team's role: only under the team roles' path and name, only with the team
 * boundary, only tagged with a namespace, with no policy but the team policy; and hands it to
 * CloudFormation only.
 */
function teamRoleStatements(refs: TeamRoleRefs): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: "CreateTeamServiceRoles",
      actions: ["iam:CreateRole"],
      resources: [refs.rolesArn],
      conditions: {
        StringEquals: { "iam:PermissionsBoundary": refs.boundaryArn },
        "ForAllValues:StringEquals": { "aws:TagKeys": [TEAM_NAMESPACE_TAG] },
        Null: { [`aws:RequestTag/${TEAM_NAMESPACE_TAG}`]: "false" },
      },
    }),
    new PolicyStatement({
      // CreateRole with Tags needs TagRole too: the namespace tag only.
      sid: "TagTeamServiceRoles",
      actions: ["iam:TagRole"],
      resources: [refs.rolesArn],
      conditions: { "ForAllValues:StringEquals": { "aws:TagKeys": [TEAM_NAMESPACE_TAG] } },
    }),
    new PolicyStatement({
      sid: "AttachTheTeamPolicies",
      actions: ["iam:AttachRolePolicy"],
      resources: [refs.rolesArn],
      conditions: { ArnEquals: { "iam:PolicyARN": refs.policyArns } },
    }),
    new PolicyStatement({
      sid: "ReadTeamServiceRoles",
      actions: ["iam:GetRole"],
      resources: [refs.rolesArn],
    }),
    new PolicyStatement({
      sid: "PassTeamServiceRolesToCloudFormation",
      actions: ["iam:PassRole"],
      resources: [refs.rolesArn],
      conditions: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
    }),
  ];
}

export interface FunctionPolicyRefs {
  arns: SwitchyardArns;
  tableArn: string;
  logGroupArn: string;
}

export interface ApiPolicyRefs extends FunctionPolicyRefs {
  serviceRoleArn: string;
  /** Each team's service role (api/teams/service-role.ts), which the API creates on first use. */
  teamRoles: TeamRoleRefs;
  adminKeySecretArn: string;
  /** ARN pattern of the template bucket's `templates/` objects (template-bucket.ts). */
  templateObjectsArn: string;
}

export function apiStatements(refs: ApiPolicyRefs): PolicyStatement[] {
  const { arns } = refs;
  // The platform's role (stacks named before team namespaces) or a team's.
  const throughAServiceRole = {
    StringLike: { "cloudformation:RoleArn": [refs.serviceRoleArn, refs.teamRoles.rolesArn] },
  };
  return [
    ...storeAndLogStatements(refs),
    new PolicyStatement({
      // Changes to our stacks happen only through a service role, never with the API's own rights.
      sid: "ChangeStacksThroughServiceRole",
      actions: ["cloudformation:CreateChangeSet"],
      resources: [arns.stacks],
      conditions: throughAServiceRole,
    }),
    new PolicyStatement({
      // Continuing a stuck rollback (POST .../continue-rollback) also only through a service role.
      sid: "ContinueRollbacksThroughServiceRole",
      actions: ["cloudformation:ContinueUpdateRollback"],
      resources: [arns.stacks],
      conditions: throughAServiceRole,
    }),
    ...teamRoleStatements(refs.teamRoles),
    new PolicyStatement({
      sid: "OperateStacks",
      actions: [
        "cloudformation:DescribeChangeSet",
        "cloudformation:ExecuteChangeSet",
        "cloudformation:DeleteChangeSet",
        "cloudformation:ListChangeSets",
        "cloudformation:DescribeStacks",
        "cloudformation:DescribeStackEvents",
        "cloudformation:ListStackResources",
        "cloudformation:GetTemplate",
        "cloudformation:DeleteStack",
      ],
      resources: [arns.stacks, arns.changeSets],
    }),
    new PolicyStatement({
      // Templates over 51,200 bytes are uploaded, and CloudFormation fetches the TemplateURL with
      // the caller's credentials, so the API reads them too. Objects only: no listing, no deleting.
      sid: "StageLargeTemplates",
      actions: ["s3:PutObject", "s3:GetObject"],
      resources: [refs.templateObjectsArn],
    }),
    new PolicyStatement({
      sid: "PassServiceRoleToCloudFormation",
      actions: ["iam:PassRole"],
      resources: [refs.serviceRoleArn],
      conditions: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
    }),
    new PolicyStatement({
      sid: "PublishToOwnBuses",
      actions: ["events:PutEvents", "events:DescribeEventBus"],
      resources: [arns.buses],
    }),
    new PolicyStatement({
      sid: "ReadOwnRules",
      actions: ["events:DescribeRule", "events:ListTargetsByRule"],
      resources: [arns.rules, arns.rulesOnOtherBuses],
    }),
    new PolicyStatement({
      // A live bus's rules and AWS's own matcher for "which of them would match this event".
      sid: "ListRulesAndTestPatterns",
      actions: ["events:ListRules", "events:TestEventPattern"],
      resources: ["*"],
    }),
    new PolicyStatement({
      sid: "ReplayOwnArchives",
      actions: ["events:DescribeArchive", "events:StartReplay"],
      resources: [arns.archives],
    }),
    new PolicyStatement({
      sid: "FollowReplays",
      actions: ["events:StartReplay", "events:DescribeReplay", "events:CancelReplay"],
      resources: [arns.replays],
    }),
    new PolicyStatement({
      // Dead letters of targets' queues: read (received, then released), re-driven, purged.
      sid: "OperateDeadLetterQueues",
      actions: ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:PurgeQueue"],
      resources: [arns.queues],
    }),
    new PolicyStatement({
      // A stage's health: AWS/Events metrics per rule. GetMetricData has no resource-level permissions.
      sid: "ReadRuleMetrics",
      actions: ["cloudwatch:GetMetricData"],
      resources: ["*"],
    }),
    new PolicyStatement({
      // A preview's routing diff on AWS: recent events of a bus's event sample (/aws/events/<bus>).
      sid: "ReadEventSamples",
      actions: ["logs:FilterLogEvents"],
      resources: [arns.eventSampleLogGroups],
    }),
    new PolicyStatement({
      sid: "ReadAdminKey",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [refs.adminKeySecretArn],
    }),
  ];
}

export function reconcileStatements(refs: FunctionPolicyRefs): PolicyStatement[] {
  return [
    ...storeAndLogStatements(refs),
    new PolicyStatement({
      sid: "ReadStacks",
      actions: ["cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents"],
      resources: [refs.arns.stacks],
    }),
  ];
}

function storeAndLogStatements(refs: FunctionPolicyRefs): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: "Store",
      effect: Effect.ALLOW,
      actions: [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
      ],
      resources: [refs.tableArn, `${refs.tableArn}/index/*`],
    }),
    new PolicyStatement({
      sid: "WriteOwnLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [refs.logGroupArn],
    }),
  ];
}
