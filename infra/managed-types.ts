/**
 * What the CloudFormation service role may do: for each AWS service whose resource types the
 * compiler emits (api/resources/), the API actions CloudFormation's handlers call and the ARNs they
 * may touch. A type outside these services cannot be deployed by Switchyard (its handler would be
 * denied), so a config's raw `cloudformationResources` are limited to them too.
 */
import { CLOUDFORMATION_TYPES } from "../api/resources/index.js";
import type { SwitchyardArns } from "./arns.js";

export interface ManagedTypeGroup {
  /** What these types are for, used as the policy statement's Sid. */
  sid: string;
  /** The CloudFormation namespace of its types (`AWS::Events`): the service whose handlers they use. */
  namespace: string;
  actions: readonly string[];
  resources: (arns: SwitchyardArns) => string[];
  /**
   * Actions IAM authorizes on another resource than the one created (a stream consumer is registered
   * on its stream), with those resources: a statement of their own.
   */
  onParent?: { actions: readonly string[]; resources: (arns: SwitchyardArns) => string[] };
}

export const MANAGED_TYPE_GROUPS: readonly ManagedTypeGroup[] = [
  {
    sid: "EventBuses",
    namespace: "AWS::Events",
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
      // Alarm notifications: connections (their credential in a secret EventBridge keeps) and API destinations.
      "events:CreateConnection",
      "events:UpdateConnection",
      "events:DeleteConnection",
      "events:DescribeConnection",
      "events:CreateApiDestination",
      "events:UpdateApiDestination",
      "events:DeleteApiDestination",
      "events:DescribeApiDestination",
      "secretsmanager:CreateSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:PutSecretValue",
      "secretsmanager:DeleteSecret",
      "secretsmanager:DescribeSecret",
    ],
    resources: (a) => [
      a.buses,
      a.rules,
      a.rulesOnOtherBuses,
      a.archives,
      a.connections,
      a.apiDestinations,
      a.connectionSecrets,
    ],
  },
  {
    sid: "Functions",
    namespace: "AWS::Lambda",
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
      // Versions and the alias of provisioned concurrency, URLs, destinations, layers.
      "lambda:PublishVersion",
      "lambda:ListVersionsByFunction",
      "lambda:CreateAlias",
      "lambda:UpdateAlias",
      "lambda:DeleteAlias",
      "lambda:GetAlias",
      "lambda:PutProvisionedConcurrencyConfig",
      "lambda:GetProvisionedConcurrencyConfig",
      "lambda:DeleteProvisionedConcurrencyConfig",
      "lambda:CreateFunctionUrlConfig",
      "lambda:UpdateFunctionUrlConfig",
      "lambda:DeleteFunctionUrlConfig",
      "lambda:GetFunctionUrlConfig",
      "lambda:PutFunctionEventInvokeConfig",
      "lambda:UpdateFunctionEventInvokeConfig",
      "lambda:DeleteFunctionEventInvokeConfig",
      "lambda:GetFunctionEventInvokeConfig",
      "lambda:GetLayerVersion",
      // Event source mappings carry ids; creating one is authorized on the function it invokes.
      "lambda:CreateEventSourceMapping",
      "lambda:UpdateEventSourceMapping",
      "lambda:DeleteEventSourceMapping",
      "lambda:GetEventSourceMapping",
    ],
    resources: (a) => [a.functions, a.eventSourceMappings, a.layers],
  },
  {
    sid: "Queues",
    namespace: "AWS::SQS",
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
    namespace: "AWS::ApiGatewayV2",
    actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
    resources: (a) => a.httpApis,
  },
  {
    sid: "StateMachines",
    namespace: "AWS::StepFunctions",
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
    namespace: "AWS::Batch",
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
    namespace: "AWS::IAM",
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
    namespace: "AWS::ECS",
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
    namespace: "AWS::ApplicationAutoScaling",
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
    namespace: "AWS::ServiceDiscovery",
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
    // Custom domains' records (api/resources/concerns/custom-domains.ts). Hosted zones carry ids, not
    // names: the compiler's tenant check holds each record to the team's registered domain and zone.
    sid: "DnsRecords",
    namespace: "AWS::Route53",
    actions: [
      "route53:ChangeResourceRecordSets",
      "route53:ListResourceRecordSets",
      "route53:GetHostedZone",
      "route53:GetChange",
    ],
    resources: (a) => [a.hostedZones, a.dnsChanges],
  },
  {
    sid: "Alarms",
    namespace: "AWS::CloudWatch",
    actions: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:ListTagsForResource",
    ],
    resources: (a) => [a.alarms],
  },
  {
    sid: "Distributions",
    namespace: "AWS::CloudFront",
    actions: [
      "cloudfront:CreateDistribution",
      "cloudfront:UpdateDistribution",
      "cloudfront:DeleteDistribution",
      "cloudfront:GetDistribution",
      "cloudfront:GetDistributionConfig",
      "cloudfront:CreateCachePolicy",
      "cloudfront:UpdateCachePolicy",
      "cloudfront:DeleteCachePolicy",
      "cloudfront:GetCachePolicy",
      "cloudfront:CreateOriginRequestPolicy",
      "cloudfront:UpdateOriginRequestPolicy",
      "cloudfront:DeleteOriginRequestPolicy",
      "cloudfront:GetOriginRequestPolicy",
      "cloudfront:TagResource",
      "cloudfront:UntagResource",
      "cloudfront:ListTagsForResource",
    ],
    resources: (a) => a.cloudfront,
  },
  {
    sid: "Topics",
    namespace: "AWS::SNS",
    actions: [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "sns:Unsubscribe",
      "sns:GetSubscriptionAttributes",
      "sns:SetSubscriptionAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:TagResource",
      "sns:UntagResource",
      "sns:ListTagsForResource",
    ],
    resources: (a) => [a.topics],
  },
  {
    sid: "LogGroups",
    namespace: "AWS::Logs",
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
      // cloudwatch-log triggers: a subscription filter on a log group (authorized on the group).
      "logs:PutSubscriptionFilter",
      "logs:DeleteSubscriptionFilter",
      "logs:DescribeSubscriptionFilters",
      // A log group's own resource policy (ResourcePolicyDocument: a bus's event sample).
      "logs:PutResourcePolicy",
      "logs:DeleteResourcePolicy",
      "logs:DescribeResourcePolicies",
    ],
    resources: (a) => a.logGroups,
  },
  {
    sid: "LogDeliveryStreams",
    namespace: "AWS::KinesisFirehose",
    actions: [
      "firehose:CreateDeliveryStream",
      "firehose:DeleteDeliveryStream",
      "firehose:DescribeDeliveryStream",
      "firehose:UpdateDestination",
      "firehose:TagDeliveryStream",
      "firehose:UntagDeliveryStream",
      "firehose:ListTagsForDeliveryStream",
    ],
    resources: (a) => [a.deliveryStreams],
  },
  {
    sid: "GradualDeployments",
    namespace: "AWS::CodeDeploy",
    actions: [
      "codedeploy:CreateApplication",
      "codedeploy:DeleteApplication",
      "codedeploy:GetApplication",
      "codedeploy:UpdateApplication",
      "codedeploy:CreateDeploymentGroup",
      "codedeploy:UpdateDeploymentGroup",
      "codedeploy:DeleteDeploymentGroup",
      "codedeploy:GetDeploymentGroup",
      "codedeploy:TagResource",
      "codedeploy:UntagResource",
      "codedeploy:ListTagsForResource",
      // An alias update under CodeDeployLambdaAliasUpdate: CloudFormation runs a deployment of the group.
      "codedeploy:CreateDeployment",
      "codedeploy:GetDeployment",
      "codedeploy:StopDeployment",
      "codedeploy:RegisterApplicationRevision",
      "codedeploy:GetApplicationRevision",
      "codedeploy:GetDeploymentConfig",
    ],
    resources: (a) => [a.codeDeployApplications, a.codeDeployGroups, a.codeDeployConfigs],
  },
  {
    sid: "StreamConsumers",
    namespace: "AWS::Kinesis",
    actions: [
      "kinesis:DescribeStreamConsumer",
      "kinesis:DeregisterStreamConsumer",
      "kinesis:TagResource",
      "kinesis:UntagResource",
      "kinesis:ListTagsForResource",
    ],
    resources: (a) => [a.streamConsumers],
    onParent: { actions: ["kinesis:RegisterStreamConsumer"], resources: (a) => [a.streams] },
  },
  {
    sid: "LogFailureBuckets",
    namespace: "AWS::S3",
    actions: [
      "s3:CreateBucket",
      "s3:DeleteBucket",
      "s3:GetBucketLocation",
      "s3:ListBucket",
      "s3:PutEncryptionConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:PutBucketPublicAccessBlock",
      "s3:GetBucketPublicAccessBlock",
      "s3:PutBucketTagging",
      "s3:GetBucketTagging",
    ],
    resources: (a) => [a.buckets],
  },
];

const namespaceOf = (type: string) => type.split("::").slice(0, 2).join("::");

/** The group whose actions a type's CloudFormation handler calls; undefined for a service not granted. */
export const groupOf = (type: string): ManagedTypeGroup | undefined =>
  MANAGED_TYPE_GROUPS.find((g) => g.namespace === namespaceOf(type));

/** Every CloudFormation resource type a Switchyard stack may contain: what the resource types emit. */
export const MANAGED_RESOURCE_TYPES: readonly string[] = CLOUDFORMATION_TYPES;

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
  // Log forwarding: the subscription filter's role, and the delivery stream's.
  "logs.amazonaws.com",
  "firehose.amazonaws.com",
  // Gradual deployments: the CodeDeploy service role of a stack.
  "codedeploy.amazonaws.com",
] as const;
