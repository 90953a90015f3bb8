/**
 * The permissions boundary of every role a Switchyard stack creates. The service role can create
 * roles with any inline policy a config asks for (including raw `cloudformationResources`), so
 * without a ceiling a config could mint an administrator. With the boundary, a workload role can
 * at most use the data planes of this account and region that Switchyard's resource types need.
 */
import { Aws } from "aws-cdk-lib";
import { ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";

const arn = (service: string, resource: string) =>
  `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;

/** Data-plane actions only: no IAM, STS, CloudFormation, Organizations or any control plane. */
export function workloadBoundaryStatements(): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: "Messaging",
      actions: [
        "events:PutEvents",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListQueueTags",
        "sqs:PurgeQueue",
        "sns:Publish",
        "sns:Subscribe",
        "sns:Unsubscribe",
        "sns:ConfirmSubscription",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        // Alarm notifications: a rule's role calls the API destinations.
        "events:InvokeApiDestination",
      ],
      resources: [
        arn("events", "event-bus/*"),
        arn("events", "api-destination/*"),
        arn("sqs", "*"),
        arn("sns", "*"),
      ],
    }),
    new PolicyStatement({
      // Log forwarding: the subscription filter puts records to the delivery stream.
      sid: "LogForwarding",
      actions: ["firehose:PutRecord", "firehose:PutRecordBatch"],
      resources: [arn("firehose", "deliverystream/*")],
    }),
    new PolicyStatement({
      // Streams a function's kinesis-stream and dynamo-db-stream triggers read.
      sid: "Streams",
      actions: [
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:ListShards",
        "kinesis:ListStreams",
        "kinesis:SubscribeToShard",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:DescribeStream",
        "dynamodb:ListStreams",
      ],
      resources: [arn("kinesis", "stream/*"), arn("dynamodb", "table/*/stream/*")],
    }),
    new PolicyStatement({
      sid: "InvokeWorkloads",
      actions: [
        "lambda:InvokeFunction",
        "states:StartExecution",
        "states:DescribeExecution",
        "states:StopExecution",
        "states:ListExecutions",
        "batch:SubmitJob",
        "batch:TerminateJob",
      ],
      resources: [
        arn("lambda", "function:*"),
        arn("states", "stateMachine:*"),
        arn("states", "execution:*"),
        arn("batch", "job-queue/*"),
        arn("batch", "job-definition/*"),
        arn("batch", "job/*"),
      ],
    }),
    new PolicyStatement({
      // Gradual deployments: CodeDeploy's role moves a function's alias; a hook reports its result.
      sid: "GradualDeployments",
      actions: [
        "lambda:GetAlias",
        "lambda:UpdateAlias",
        "lambda:GetProvisionedConcurrencyConfig",
        "codedeploy:PutLifecycleEventHookExecutionStatus",
      ],
      resources: [arn("lambda", "function:*"), arn("codedeploy", "deploymentgroup:*")],
    }),
    new PolicyStatement({
      // Step Functions' Batch .sync integration watches jobs through its own managed rule.
      sid: "StepFunctionsBatchSync",
      actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      resources: [arn("events", "rule/StepFunctionsGetEventsForBatchJobsRule")],
    }),
    new PolicyStatement({
      sid: "Logs",
      actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [arn("logs", "log-group:*")],
    }),
    new PolicyStatement({
      sid: "ConfigValues",
      actions: ["secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters"],
      resources: [arn("secretsmanager", "secret:*"), arn("ssm", "parameter/*")],
    }),
    new PolicyStatement({
      // Batch container instances: the ECS agent and image pulls.
      sid: "ContainerInstances",
      actions: [
        "ecs:RegisterContainerInstance",
        "ecs:DeregisterContainerInstance",
        "ecs:UpdateContainerInstancesState",
        "ecs:SubmitContainerStateChange",
        "ecs:SubmitTaskStateChange",
        "ecs:SubmitAttachmentStateChanges",
        "ecs:Poll",
        "ecs:StartTelemetrySession",
        "ecs:CreateCluster",
        "ecs:TagResource",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
      ],
      resources: [arn("ecs", "cluster/*"), arn("ecs", "container-instance/*"), arn("ecr", "repository/*")],
    }),
    new PolicyStatement({
      // Calls IAM cannot scope to a resource; none of them changes anything but telemetry.
      sid: "Unscopable",
      actions: [
        "ecs:DiscoverPollEndpoint",
        "ec2:DescribeTags",
        "ecr:GetAuthorizationToken",
        "batch:DescribeJobs",
        "batch:ListJobs",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        // Lambda creates a VPC function's network interfaces with its role (joinDefaultVpc).
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
        "sqs:ListQueues",
        // ECS Exec sessions into workload containers (enableRemoteSessions).
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      resources: ["*"],
    }),
  ];
}

export function createWorkloadBoundary(scope: Construct, id: string): ManagedPolicy {
  return new ManagedPolicy(scope, id, {
    description: "Permissions boundary of every role in a Switchyard-deployed stack.",
    statements: workloadBoundaryStatements(),
  });
}
