/**
 * What the CloudFormation service role may do: for each group of resource types the compiler emits,
 * the API actions CloudFormation's handlers call and the ARNs they may touch. A resource type that is
 * not listed here cannot be deployed by Switchyard (its handler would be denied), so a config's raw
 * `cloudformationResources` are limited to these types too.
 */
import type { SwitchyardArns } from "./arns.js";

export interface ManagedTypeGroup {
  /** What these types are for, used as the policy statement's Sid. */
  sid: string;
  types: readonly string[];
  actions: readonly string[];
  resources: (arns: SwitchyardArns) => string[];
}

export const MANAGED_TYPE_GROUPS: readonly ManagedTypeGroup[] = [
  {
    sid: "EventBuses",
    types: ["AWS::Events::EventBus", "AWS::Events::Archive", "AWS::Events::Rule"],
    actions: [
      "events:CreateEventBus",
      "events:DeleteEventBus",
      "events:DescribeEventBus",
      "events:UpdateEventBus",
      "events:CreateArchive",
      "events:DeleteArchive",
      "events:DescribeArchive",
      "events:UpdateArchive",
      "events:PutRule",
      "events:DeleteRule",
      "events:DescribeRule",
      "events:EnableRule",
      "events:DisableRule",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:ListTargetsByRule",
      "events:TagResource",
      "events:UntagResource",
      "events:ListTagsForResource",
    ],
    resources: (a) => [a.buses, a.rules, a.rulesOnOtherBuses, a.archives],
  },
  {
    sid: "Functions",
    types: ["AWS::Lambda::Function", "AWS::Lambda::Permission"],
    actions: [
      "lambda:CreateFunction",
      "lambda:DeleteFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:GetRuntimeManagementConfig",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:AddPermission",
      "lambda:RemovePermission",
      "lambda:GetPolicy",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:ListTags",
    ],
    resources: (a) => [a.functions],
  },
  {
    sid: "Queues",
    types: ["AWS::SQS::Queue", "AWS::SQS::QueuePolicy"],
    actions: [
      "sqs:CreateQueue",
      "sqs:DeleteQueue",
      "sqs:GetQueueAttributes",
      "sqs:SetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:TagQueue",
      "sqs:UntagQueue",
      "sqs:ListQueueTags",
    ],
    resources: (a) => [a.queues],
  },
  {
    sid: "HttpApis",
    types: [
      "AWS::ApiGatewayV2::Api",
      "AWS::ApiGatewayV2::Stage",
      "AWS::ApiGatewayV2::Route",
      "AWS::ApiGatewayV2::Integration",
      "AWS::ApiGatewayV2::VpcLink",
    ],
    actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
    resources: (a) => a.httpApis,
  },
  {
    sid: "StateMachines",
    types: ["AWS::StepFunctions::StateMachine"],
    actions: [
      "states:CreateStateMachine",
      "states:DeleteStateMachine",
      "states:DescribeStateMachine",
      "states:UpdateStateMachine",
      "states:TagResource",
      "states:UntagResource",
      "states:ListTagsForResource",
      "states:ListStateMachineVersions",
    ],
    resources: (a) => [a.stateMachines],
  },
  {
    sid: "BatchJobs",
    types: ["AWS::Batch::ComputeEnvironment", "AWS::Batch::JobQueue", "AWS::Batch::JobDefinition"],
    actions: [
      "batch:CreateComputeEnvironment",
      "batch:UpdateComputeEnvironment",
      "batch:DeleteComputeEnvironment",
      "batch:CreateJobQueue",
      "batch:UpdateJobQueue",
      "batch:DeleteJobQueue",
      "batch:RegisterJobDefinition",
      "batch:DeregisterJobDefinition",
      "batch:TagResource",
      "batch:UntagResource",
    ],
    resources: (a) => [a.computeEnvironments, a.jobQueues, a.jobDefinitions],
  },
  {
    sid: "Roles",
    types: ["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::InstanceProfile"],
    // CreateRole, PutRolePolicy and AttachRolePolicy are granted in permissions.ts, under the boundary.
    actions: [
      "iam:DeleteRole",
      "iam:GetRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:GetRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:CreateInstanceProfile",
      "iam:DeleteInstanceProfile",
      "iam:GetInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
    ],
    resources: (a) => [a.roles, a.instanceProfiles],
  },
  {
    sid: "ContainerServices",
    types: ["AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::ECS::TaskDefinition"],
    // Task definitions (RegisterTaskDefinition & co.) cannot be scoped: see UNSCOPABLE_ACTIONS.
    actions: [
      "ecs:CreateCluster",
      "ecs:DeleteCluster",
      "ecs:DescribeClusters",
      "ecs:UpdateCluster",
      "ecs:UpdateClusterSettings",
      "ecs:PutClusterCapacityProviders",
      "ecs:CreateService",
      "ecs:UpdateService",
      "ecs:DeleteService",
      "ecs:DescribeServices",
      "ecs:TagResource",
      "ecs:UntagResource",
      "ecs:ListTagsForResource",
    ],
    resources: (a) => [a.clusters, a.ecsServices],
  },
  {
    sid: "ServiceScaling",
    types: ["AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ApplicationAutoScaling::ScalingPolicy"],
    actions: [
      "application-autoscaling:RegisterScalableTarget",
      "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:PutScalingPolicy",
      "application-autoscaling:DeleteScalingPolicy",
      "application-autoscaling:TagResource",
      "application-autoscaling:UntagResource",
      "application-autoscaling:ListTagsForResource",
    ],
    resources: (a) => [a.scalableTargets],
  },
  {
    sid: "ServiceDiscovery",
    types: ["AWS::ServiceDiscovery::PrivateDnsNamespace", "AWS::ServiceDiscovery::Service"],
    actions: [
      "servicediscovery:DeleteNamespace",
      "servicediscovery:GetNamespace",
      "servicediscovery:UpdatePrivateDnsNamespace",
      "servicediscovery:CreateService",
      "servicediscovery:DeleteService",
      "servicediscovery:GetService",
      "servicediscovery:UpdateService",
      "servicediscovery:TagResource",
      "servicediscovery:UntagResource",
      "servicediscovery:ListTagsForResource",
      "route53:GetHostedZone",
      "route53:DeleteHostedZone",
      "route53:ChangeResourceRecordSets",
      "route53:ListResourceRecordSets",
    ],
    resources: (a) => [a.namespaces, a.discoveryServices, a.hostedZones],
  },
  {
    sid: "LogGroups",
    types: ["AWS::Logs::LogGroup"],
    actions: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:ListTagsForResource",
      // The older tagging API, still called by the log group handler.
      "logs:TagLogGroup",
      "logs:UntagLogGroup",
      "logs:ListTagsLogGroup",
    ],
    resources: (a) => a.logGroups,
  },
];

/** Every CloudFormation resource type a Switchyard stack may contain. */
export const MANAGED_RESOURCE_TYPES: readonly string[] = MANAGED_TYPE_GROUPS.flatMap((g) => g.types);

/** AWS services whose service-linked role a first deployment may have to create. */
export const SERVICE_LINKED_ROLE_SERVICES = [
  "batch.amazonaws.com",
  "ecs.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "ops.apigateway.amazonaws.com",
] as const;

/** Services our roles may be handed to (Lambda functions, rule targets, state machines, Batch). */
export const ROLE_CONSUMERS = [
  "lambda.amazonaws.com",
  "events.amazonaws.com",
  "states.amazonaws.com",
  "batch.amazonaws.com",
  "ecs-tasks.amazonaws.com",
  "ec2.amazonaws.com",
] as const;
