import { z } from "@hono/zod-openapi";
import { environmentMap, workloadAccess } from "../compiler/connect-to.js";
import type { CompileContext } from "../compiler/context.js";
import { logicalId, NAME_LIMITS, pascalCase } from "../compiler/naming.js";
import { platformSecurityGroups, platformSubnets } from "../compiler/network.js";
import { allow, arnOf, getAtt, policyDocument, ref, sub, trustPolicy } from "../compiler/template.js";
import { envVarName } from "../config/params.js";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  ImagePackagingSchema,
  resourceSchema,
} from "../config/schema/common.js";
import { eventsOf } from "../config/schema/events.js";
import { strictObject } from "../config/schema/strict.js";
import { noAlarmsOn } from "./concerns/alarms/index.js";
import { logForwardingOf, logGroupOf } from "./concerns/log-forwarding.js";
import type { ResourceDefinition } from "./definition.js";
import { type BusTriggerProperties, busTrigger, compileBusTrigger } from "./event-bus/trigger.js";
import { LoggingSchema } from "./logging.js";
import { cloudwatchLogTrigger } from "./triggers/cloudwatch-log.js";
import { dynamoTrigger, kinesisTrigger, sqsTrigger } from "./triggers/event-source-mapping.js";
import { lambdaBusTrigger, lambdaRouteTrigger } from "./triggers/index.js";
import type { LambdaTrigger } from "./triggers/lambda-trigger.js";
import { loadBalancerTrigger, s3Trigger } from "./triggers/refused.js";
import { compileSchedule, type ScheduleProperties, scheduleTrigger } from "./triggers/schedule.js";
import { snsTrigger } from "./triggers/sns.js";
import { containerExecutionRole, workloadRole } from "./workload-role.js";

/**
 * Largest request a managed EC2 compute environment with AWS-chosen ("optimal") instance types can
 * place; anything beyond is a job that would sit RUNNABLE forever, so it is a config error.
 */
const BATCH_LIMITS = { cpu: 96, memoryMiB: 768 * 1024, gpu: 8 } as const;

/**
 * What a batch job's `events` may be, as in Stacktape: event-bus and schedule rules start its state
 * machine directly; every other trigger invokes its trigger function (`<job>TriggerFunction`), which
 * starts the state machine with the event.
 */
const BATCH_TRIGGERS = [
  lambdaBusTrigger,
  scheduleTrigger,
  lambdaRouteTrigger,
  sqsTrigger,
  snsTrigger,
  kinesisTrigger,
  dynamoTrigger,
  cloudwatchLogTrigger,
  s3Trigger,
  loadBalancerTrigger,
] as const;

const BATCH_TRIGGER_BY_TYPE: ReadonlyMap<string, LambdaTrigger> = new Map(
  BATCH_TRIGGERS.map((t): [string, LambdaTrigger] => [t.type, t as unknown as LambdaTrigger]),
);

/** Triggers compiled to a rule that starts the state machine itself, with no function between. */
const DIRECT_TRIGGERS = new Set([busTrigger.type, scheduleTrigger.type]);

export const BatchJobSchema = resourceSchema(
  "batch-job",
  strictObject(
    {
      container: strictObject({
        packaging: ImagePackagingSchema,
        environment: EnvironmentSchema.optional(),
      }),
      resources: strictObject({
        cpu: z
          .number()
          .int("EC2 compute environments allocate whole vCPUs: cpu must be an integer.")
          .min(1)
          .max(
            BATCH_LIMITS.cpu,
            `No instance type AWS Batch chooses has more than ${BATCH_LIMITS.cpu} vCPUs.`,
          ),
        memory: z
          .number()
          .int()
          .min(4, "AWS Batch needs at least 4 MiB of memory.")
          .max(
            BATCH_LIMITS.memoryMiB,
            `No instance type AWS Batch chooses has more than ${BATCH_LIMITS.memoryMiB} MiB.`,
          ),
        gpu: z
          .number()
          .int()
          .min(0)
          .max(BATCH_LIMITS.gpu, `No instance type has more than ${BATCH_LIMITS.gpu} GPUs.`)
          .optional(),
      }),
      timeout: z.number().int().min(60, "AWS Batch timeouts are at least 60 seconds.").optional(),
      retryConfig: strictObject({
        attempts: z.number().int().min(1).max(10).optional(),
        retryIntervalSeconds: z.number().int().min(1).optional(),
        retryIntervalMultiplier: z.number().min(1).optional(),
      }).optional(),
      useSpotInstances: z.boolean().optional(),
      connectTo: ConnectToSchema.optional(),
      iamRoleStatements: z.array(IamStatementSchema).optional(),
      logging: LoggingSchema.optional(),
      events: eventsOf(
        "batch-job",
        BATCH_TRIGGERS.filter((t) => !("refused" in t)).map((t) => t.type),
        BATCH_TRIGGERS.map((t) => t.schema) as unknown as [
          (typeof BATCH_TRIGGERS)[number]["schema"],
          ...(typeof BATCH_TRIGGERS)[number]["schema"][],
        ],
      ).optional(),
    },
    { notHere: noAlarmsOn("batch-job") },
  ),
);

export type BatchJobResource = z.infer<typeof BatchJobSchema>;

const ids = (name: string) => ({
  computeEnvironment: logicalId(name, "AWS::Batch::ComputeEnvironment"),
  jobQueue: logicalId(name, "AWS::Batch::JobQueue"),
  jobDefinition: logicalId(name, "AWS::Batch::JobDefinition"),
  stateMachine: logicalId(name, "AWS::StepFunctions::StateMachine"),
  stateMachineRole: logicalId(name, "AWS::IAM::Role", "StateMachine"),
  jobRole: logicalId(name, "AWS::IAM::Role", "Job"),
  executionRole: logicalId(name, "AWS::IAM::Role", "Execution"),
  instanceRole: logicalId(name, "AWS::IAM::Role", "Instance"),
  instanceProfile: logicalId(name, "AWS::IAM::InstanceProfile"),
  logGroup: logicalId(name, "AWS::Logs::LogGroup"),
});

/** Enough for many concurrent jobs; instances scale to zero when the queue is empty. */
const MAX_VCPUS = 256;
const GPU_INSTANCE_FAMILIES = ["g4dn", "g5"];
const LOG_RETENTION_DAYS = 180;

/**
 * batch-job → managed EC2 compute environment (on-demand, or spot), job queue, job definition, job,
 * execution and instance roles, and a Step Functions state machine that submits the job with the
 * triggering event in STP_TRIGGER_EVENT_DATA (Stacktape's contract). Subscriptions target the
 * state machine through a role allowing exactly states:StartExecution on it. Everything is named
 * `<stack>-<job>...`: the deploy role may only create Batch, Step Functions, IAM and log resources by
 * such names (CloudFormation's generated names for these types do not start with the stack name).
 */
export const batchJob: ResourceDefinition<BatchJobResource> = {
  type: "batch-job",
  schema: BatchJobSchema,
  networkUser: "batch job",
  triggers: [busTrigger],
  concerns: [logForwardingOf(logGroupOf)],
  cloudformationTypes: [
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::IAM::InstanceProfile",
    "AWS::Batch::ComputeEnvironment",
    "AWS::Batch::JobQueue",
    "AWS::Batch::JobDefinition",
    "AWS::StepFunctions::StateMachine",
    "AWS::Lambda::Function",
    ...new Set(BATCH_TRIGGERS.flatMap((t) => t.cloudformationTypes)),
  ],

  paramNames: () => ["jobDefinitionArn", "stateMachineArn"],

  check(name, resource, checks) {
    const path = ["resources", name, "properties"];
    resource.properties.events?.forEach((event, i) => {
      BATCH_TRIGGER_BY_TYPE.get(event.type)?.check?.(
        event.properties,
        [...path, "events", i, "properties"],
        checks,
      );
    });
  },

  compile(name, resource, ctx) {
    const path = ["resources", name, "properties"];
    const props = resource.properties;
    const id = ids(name);
    const access = workloadAccess(ctx, props, path);
    const gpu = props.resources.gpu ?? 0;

    const logging = !props.logging?.disabled;
    if (logging) {
      ctx.add(name, id.logGroup, {
        Type: "AWS::Logs::LogGroup",
        Properties: {
          LogGroupName: ctx.physicalName(name, NAME_LIMITS.logGroup),
          RetentionInDays: props.logging?.retentionDays ?? LOG_RETENTION_DAYS,
        },
      });
    }
    workloadRole(ctx, name, id.jobRole, "ecs-tasks.amazonaws.com", [], access);
    containerExecutionRole(ctx, name, id.executionRole, logging ? id.logGroup : undefined);
    ctx.add(name, id.instanceRole, {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: ctx.roleName(`${name}-instance`),
        AssumeRolePolicyDocument: trustPolicy("ec2.amazonaws.com"),
        ManagedPolicyArns: [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
          sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"),
        ],
      },
    });
    ctx.add(name, id.instanceProfile, {
      Type: "AWS::IAM::InstanceProfile",
      Properties: {
        InstanceProfileName: ctx.accountWideName(`${name}-instance`, NAME_LIMITS.instanceProfile),
        Roles: [ref(id.instanceRole)],
      },
    });

    ctx.add(name, id.computeEnvironment, {
      Type: "AWS::Batch::ComputeEnvironment",
      Properties: {
        ComputeEnvironmentName: ctx.physicalName(name, NAME_LIMITS.batch),
        Type: "MANAGED",
        State: "ENABLED",
        ComputeResources: {
          Type: props.useSpotInstances ? "SPOT" : "EC2",
          AllocationStrategy: props.useSpotInstances
            ? "SPOT_PRICE_CAPACITY_OPTIMIZED"
            : "BEST_FIT_PROGRESSIVE",
          MinvCpus: 0,
          MaxvCpus: Math.max(MAX_VCPUS, props.resources.cpu),
          // AWS picks instance types ("optimal"), as Stacktape does; GPU jobs need GPU families.
          InstanceTypes: gpu > 0 ? GPU_INSTANCE_FAMILIES : ["optimal"],
          InstanceRole: getAtt(id.instanceProfile, "Arn"),
          Subnets: platformSubnets(ctx),
          SecurityGroupIds: platformSecurityGroups(ctx),
        },
      },
    });
    ctx.add(name, id.jobQueue, {
      Type: "AWS::Batch::JobQueue",
      Properties: {
        JobQueueName: ctx.physicalName(name, NAME_LIMITS.batch),
        Priority: 1,
        State: "ENABLED",
        ComputeEnvironmentOrder: [{ Order: 1, ComputeEnvironment: ref(id.computeEnvironment) }],
      },
    });

    const environment = {
      ...environmentMap(ctx, props.container.environment, [...path, "container", "environment"]),
      ...access.environment,
    };
    const retry = props.retryConfig;
    const retryInStateMachine =
      retry?.retryIntervalSeconds !== undefined || retry?.retryIntervalMultiplier !== undefined;
    ctx.add(name, id.jobDefinition, {
      Type: "AWS::Batch::JobDefinition",
      Properties: {
        JobDefinitionName: ctx.physicalName(name, NAME_LIMITS.batch),
        Type: "container",
        PlatformCapabilities: ["EC2"],
        ContainerProperties: {
          Image: ctx.parameter(`${pascalCase(name)}ImageUri`, "image-uri", name, {
            Type: "String",
            Description: `Container image URI of batch job ${name}.`,
          }),
          JobRoleArn: getAtt(id.jobRole, "Arn"),
          ExecutionRoleArn: getAtt(id.executionRole, "Arn"),
          ResourceRequirements: [
            { Type: "VCPU", Value: String(props.resources.cpu) },
            { Type: "MEMORY", Value: String(props.resources.memory) },
            ...(gpu > 0 ? [{ Type: "GPU", Value: String(gpu) }] : []),
          ],
          Environment: Object.entries(environment).map(([Name, Value]) => ({ Name, Value })),
          ...(logging
            ? { LogConfiguration: { LogDriver: "awslogs", Options: { "awslogs-group": ref(id.logGroup) } } }
            : {}),
        },
        ...(retry?.attempts && !retryInStateMachine ? { RetryStrategy: { Attempts: retry.attempts } } : {}),
        ...(props.timeout ? { Timeout: { AttemptDurationSeconds: props.timeout } } : {}),
      },
    });

    stateMachine(ctx, name, props, retryInStateMachine);

    const direct = { kind: "role" as const, arn: ref(id.stateMachine), actions: ["states:StartExecution"] };
    props.events?.forEach((event, i) => {
      const eventPath = [...path, "events", i, "properties"];
      if (event.type === busTrigger.type)
        compileBusTrigger(ctx, name, i, event.properties as BusTriggerProperties, eventPath, direct);
      else if (event.type === scheduleTrigger.type)
        compileSchedule(ctx, name, i, event.properties as ScheduleProperties, eventPath, direct);
    });
    if (props.events?.some((e) => !DIRECT_TRIGGERS.has(e.type))) triggerFunction(ctx, name, props);
  },

  params: (name) => ({
    jobDefinitionArn: ref(ids(name).jobDefinition),
    stateMachineArn: ref(ids(name).stateMachine),
  }),

  connect(name) {
    const id = ids(name);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
    const executions = arnOf("states", "execution:${Name}:*", { Name: getAtt(id.stateMachine, "Name") });
    return {
      statements: [
        allow(["batch:SubmitJob"], [ref(id.jobDefinition), ref(id.jobQueue)]),
        allow(["batch:TerminateJob"], [arnOf("batch", "job/*")]),
        // DescribeJobs and ListJobs support no resource-level permissions.
        allow(["batch:DescribeJobs", "batch:ListJobs"], ["*"]),
        allow(["states:StartExecution", "states:ListExecutions"], [ref(id.stateMachine)]),
        allow(["states:StopExecution", "states:DescribeExecution"], [executions]),
      ],
      environment: {
        [envVarName(name, "jobDefinitionArn")]: ref(id.jobDefinition),
        [envVarName(name, "stateMachineArn")]: ref(id.stateMachine),
      },
    };
  },
};

/**
 * The trigger function (`<job>TriggerFunction`, as Stacktape names it) that the job's other triggers
 * invoke: inline code that starts the state machine with the event, so nothing is built for it.
 */
function triggerFunction(ctx: CompileContext, name: string, props: BatchJobResource["properties"]): void {
  const id = ids(name);
  const nested = `${name}TriggerFunction`;
  ctx.nestedOwners.set(nested, name);
  const fnId = logicalId(nested, "AWS::Lambda::Function");
  const roleId = logicalId(nested, "AWS::IAM::Role");
  const logGroupId = logicalId(nested, "AWS::Logs::LogGroup");
  const functionName = ctx.physicalName(`${name}-trigger`, NAME_LIMITS.lambda);
  ctx.add(name, logGroupId, {
    Type: "AWS::Logs::LogGroup",
    Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: LOG_RETENTION_DAYS },
  });
  ctx.add(name, roleId, {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: ctx.roleName(`${name}-trigger`),
      AssumeRolePolicyDocument: trustPolicy("lambda.amazonaws.com"),
      Policies: [
        {
          PolicyName: "base",
          PolicyDocument: policyDocument([
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], [getAtt(logGroupId, "Arn")]),
            allow(["states:StartExecution"], [ref(id.stateMachine)]),
          ]),
        },
      ],
    },
  });
  ctx.add(name, fnId, {
    Type: "AWS::Lambda::Function",
    DependsOn: [logGroupId],
    Properties: {
      FunctionName: functionName,
      Role: getAtt(roleId, "Arn"),
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      MemorySize: 128,
      Timeout: 30,
      Code: { ZipFile: TRIGGER_FUNCTION_CODE },
      Environment: { Variables: { STATE_MACHINE_ARN: ref(id.stateMachine) } },
    },
  });
  const target = { name: nested, functionLogicalId: fnId, arn: getAtt(fnId, "Arn") };
  const path = ["resources", name, "properties", "events"];
  const statements = (props.events ?? []).flatMap((event, i) => {
    if (DIRECT_TRIGGERS.has(event.type)) return [];
    const eventPath = [...path, i, "properties"];
    const out = BATCH_TRIGGER_BY_TYPE.get(event.type)!.compile(ctx, target, i, event.properties, eventPath);
    for (const statement of out) ctx.nodeOrigins.set(statement, eventPath);
    return out;
  });
  if (statements.length > 0) {
    const role = ctx.resources[roleId]!.Properties as { Policies: unknown[] };
    role.Policies.push({ PolicyName: "triggers", PolicyDocument: policyDocument(statements) });
  }
}

/** Starts the job's state machine with the triggering event (the AWS SDK is in Lambda's runtime). */
const TRIGGER_FUNCTION_CODE = [
  'const { SFNClient, StartExecutionCommand } = require("@aws-sdk/client-sfn");',
  "const sfn = new SFNClient({});",
  "exports.handler = async (event) => {",
  "  const { executionArn } = await sfn.send(",
  "    new StartExecutionCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN, input: JSON.stringify(event) }),",
  "  );",
  "  return { statusCode: 202, body: JSON.stringify({ executionArn }) };",
  "};",
].join("\n");

function stateMachine(
  ctx: CompileContext,
  name: string,
  props: BatchJobResource["properties"],
  retryHere: boolean,
): void {
  const id = ids(name);
  const retry = props.retryConfig;
  ctx.add(name, id.stateMachineRole, {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: ctx.roleName(`${name}-state-machine`),
      AssumeRolePolicyDocument: trustPolicy("states.amazonaws.com"),
      Policies: [
        {
          PolicyName: "submit-job",
          PolicyDocument: policyDocument([
            allow(["batch:SubmitJob"], [ref(id.jobDefinition), ref(id.jobQueue)]),
            // DescribeJobs/TerminateJob for the .sync integration; the former supports no resource scoping.
            allow(["batch:DescribeJobs"], ["*"]),
            allow(["batch:TerminateJob"], [arnOf("batch", "job/*")]),
            allow(
              ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
              [arnOf("events", "rule/StepFunctionsGetEventsForBatchJobsRule")],
            ),
          ]),
        },
      ],
    },
  });
  const submit: Record<string, unknown> = {
    Type: "Task",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
    Resource: "arn:${Partition}:states:::batch:submitJob.sync",
    Parameters: {
      JobName: name,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
      JobDefinition: "${JobDefinitionArn}",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
      JobQueue: "${JobQueueArn}",
      ContainerOverrides: {
        Environment: [{ Name: "STP_TRIGGER_EVENT_DATA", "Value.$": "States.JsonToString($)" }],
      },
    },
    End: true,
  };
  if (retryHere && retry) {
    submit.Retry = [
      {
        ErrorEquals: ["States.TaskFailed"],
        IntervalSeconds: retry.retryIntervalSeconds ?? 1,
        BackoffRate: retry.retryIntervalMultiplier ?? 1,
        MaxAttempts: Math.max(0, (retry.attempts ?? 1) - 1),
      },
    ];
  }
  ctx.add(name, id.stateMachine, {
    Type: "AWS::StepFunctions::StateMachine",
    Properties: {
      StateMachineName: ctx.physicalName(name, NAME_LIMITS.stateMachine),
      RoleArn: getAtt(id.stateMachineRole, "Arn"),
      Definition: { StartAt: "SubmitJob", States: { SubmitJob: submit } },
      DefinitionSubstitutions: {
        Partition: ref("AWS::Partition"),
        JobDefinitionArn: ref(id.jobDefinition),
        JobQueueArn: ref(id.jobQueue),
      },
    },
  });
}
