import { z } from "@hono/zod-openapi";
import { fargateSizeProblem } from "../../resources/multi-container-workload/fargate.js";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  ImagePackagingSchema,
  LambdaPackagingSchema,
  OverridesSchema,
} from "./common.js";
import { HttpApiIntegrationSchema } from "./event-bus-subscription.js";
import { BatchJobEventsSchema, FunctionEventsSchema, SqsQueueEventsSchema } from "./events.js";
import { strictObject } from "./strict.js";

const resource = <T extends string, P extends z.ZodType>(type: T, properties: P) =>
  strictObject({ type: z.literal(type), properties, overrides: OverridesSchema.optional() });

export const EventBusSchema = resource(
  "event-bus",
  strictObject({
    eventSourceName: z
      .string()
      .regex(
        /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/,
        "A partner event source name looks like aws.partner/<domain>/<id>/<name>.",
      )
      .optional(),
    archivation: strictObject({
      enabled: z.boolean(),
      retentionDays: z.number().int().min(1).optional(),
    }).optional(),
  }).optional(),
);

export const FunctionSchema = resource(
  "function",
  strictObject({
    packaging: LambdaPackagingSchema,
    runtime: z.string().optional(),
    handler: z.string().optional(),
    architecture: z.enum(["x86_64", "arm64"]).optional(),
    memory: z.number().int().min(128).max(10240).optional(),
    timeout: z.number().int().min(1).max(900).optional(),
    storage: z.number().int().min(512).max(10240).optional(),
    description: z.string().max(256).optional(),
    environment: EnvironmentSchema.optional(),
    connectTo: ConnectToSchema.optional(),
    iamRoleStatements: z.array(IamStatementSchema).optional(),
    events: FunctionEventsSchema.optional(),
  }),
);

export const SqsQueueSchema = resource(
  "sqs-queue",
  strictObject({
    fifoQueue: z.boolean().optional(),
    contentBasedDeduplication: z.boolean().optional(),
    delayMessagesSec: z.number().int().min(0).max(900).optional(),
    maxMessageSizeBytes: z.number().int().min(1024).max(1048576).optional(),
    messageRetentionPeriodSec: z.number().int().min(60).max(1209600).optional(),
    longPollingWaitTimeSec: z.number().int().min(0).max(20).optional(),
    visibilityTimeoutSec: z.number().int().min(0).max(43200).optional(),
    redrivePolicy: strictObject({
      targetSqsQueueName: z.string(),
      maxReceiveCount: z.number().int().min(1).max(1000),
    }).optional(),
    events: SqsQueueEventsSchema.optional(),
  }).optional(),
);

export const HttpApiGatewaySchema = resource(
  "http-api-gateway",
  strictObject({
    cors: strictObject({
      enabled: z.boolean(),
      allowedOrigins: z.array(z.string()).optional(),
      allowedMethods: z.array(z.string()).optional(),
      allowedHeaders: z.array(z.string()).optional(),
    }).optional(),
    payloadFormat: z.enum(["1.0", "2.0"]).optional(),
  }).optional(),
);

/**
 * Largest request a managed EC2 compute environment with AWS-chosen ("optimal") instance types can
 * place; anything beyond is a job that would sit RUNNABLE forever, so it is a config error.
 */
export const BATCH_LIMITS = { cpu: 96, memoryMiB: 768 * 1024, gpu: 8 } as const;

export const BatchJobSchema = resource(
  "batch-job",
  strictObject({
    container: strictObject({
      packaging: ImagePackagingSchema,
      environment: EnvironmentSchema.optional(),
    }),
    resources: strictObject({
      cpu: z
        .number()
        .int("EC2 compute environments allocate whole vCPUs: cpu must be an integer.")
        .min(1)
        .max(BATCH_LIMITS.cpu, `No instance type AWS Batch chooses has more than ${BATCH_LIMITS.cpu} vCPUs.`),
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
    events: BatchJobEventsSchema.optional(),
  }),
);

/** What a container is reached by: a route of an HTTP API, or a port open inside the network. */
const CONTAINER_EVENT_TYPES = ["http-api-gateway", "workload-internal"] as const;

const containerPort = z.number().int().min(1).max(65535);

const ContainerHttpApiIntegrationSchema = strictObject({
  type: z.literal("http-api-gateway"),
  properties: strictObject({
    containerPort,
    httpApiGatewayName: z.string(),
    method: HttpApiIntegrationSchema.shape.properties.shape.method,
    path: HttpApiIntegrationSchema.shape.properties.shape.path,
  }),
});

const ContainerInternalIntegrationSchema = strictObject({
  type: z.literal("workload-internal"),
  properties: strictObject({ containerPort }),
});

const containerEventError = (input: unknown) => {
  const type = (input as { type?: unknown } | undefined)?.type;
  return type === "event-bus"
    ? "A multi-container-workload cannot subscribe to an event bus (Stacktape v3 neither): subscribe an sqs-queue and poll it from the workload."
    : `Unsupported event type on a multi-container-workload container; supported: ${CONTAINER_EVENT_TYPES.join(", ")}. Load balancers and service connect are not compiled by Switchyard.`;
};

/**
 * Stacktape's multi-container-workload on Fargate: cpu in vCPU, memory in MB, checked against
 * Fargate's allowed pairs. Workloads publish to buses through connectTo; they never subscribe.
 */
export const MultiContainerWorkloadSchema = resource(
  "multi-container-workload",
  strictObject({
    containers: z
      .array(
        strictObject({
          name: z.string().regex(/^[A-Za-z0-9-]+$/),
          packaging: ImagePackagingSchema,
          essential: z.boolean().optional(),
          environment: EnvironmentSchema.optional(),
          dependsOn: z
            .array(
              strictObject({
                containerName: z.string(),
                condition: z.enum(["START", "COMPLETE", "SUCCESS", "HEALTHY"]),
              }),
            )
            .optional(),
          events: z
            .array(
              z.discriminatedUnion(
                "type",
                [ContainerHttpApiIntegrationSchema, ContainerInternalIntegrationSchema],
                {
                  error: (issue) =>
                    issue.code === "invalid_union" ? containerEventError(issue.input) : undefined,
                },
              ),
            )
            .optional(),
        }),
      )
      .min(1)
      .max(10, "A Fargate task runs at most 10 containers."),
    resources: strictObject({
      cpu: z.number().openapi({ description: "vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16." }),
      memory: z.number().int().openapi({ description: "MB, one of Fargate's sizes for the cpu." }),
      architecture: z.enum(["x86_64", "arm64"]).optional(),
      instanceTypes: z.array(z.string()).optional(),
    }).superRefine((size, ctx) => {
      const problem = fargateSizeProblem(size.cpu, size.memory);
      if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
    }),
    scaling: strictObject({
      minInstances: z.number().int().min(0).optional(),
      maxInstances: z.number().int().min(1).optional(),
      scalingPolicy: strictObject({
        keepAvgCpuUtilizationUnder: z.number().min(1).max(100).optional(),
        keepAvgMemoryUtilizationUnder: z.number().min(1).max(100).optional(),
      }).optional(),
    })
      .superRefine((scaling, ctx) => {
        if ((scaling.minInstances ?? 1) > (scaling.maxInstances ?? Math.max(1, scaling.minInstances ?? 1)))
          ctx.addIssue({
            code: "custom",
            path: ["maxInstances"],
            message: `maxInstances (${scaling.maxInstances}) is below minInstances (${scaling.minInstances ?? 1}).`,
          });
      })
      .optional(),
    connectTo: ConnectToSchema.optional(),
    iamRoleStatements: z.array(IamStatementSchema).optional(),
  }),
);

export const RESOURCE_SCHEMAS = {
  "event-bus": EventBusSchema,
  function: FunctionSchema,
  "sqs-queue": SqsQueueSchema,
  "http-api-gateway": HttpApiGatewaySchema,
  "batch-job": BatchJobSchema,
  "multi-container-workload": MultiContainerWorkloadSchema,
} as const;

export type ResourceType = keyof typeof RESOURCE_SCHEMAS;
export const RESOURCE_TYPES = Object.keys(RESOURCE_SCHEMAS) as ResourceType[];

export type EventBusResource = z.infer<typeof EventBusSchema>;
export type FunctionResource = z.infer<typeof FunctionSchema>;
export type SqsQueueResource = z.infer<typeof SqsQueueSchema>;
export type HttpApiGatewayResource = z.infer<typeof HttpApiGatewaySchema>;
export type BatchJobResource = z.infer<typeof BatchJobSchema>;
export type MultiContainerWorkloadResource = z.infer<typeof MultiContainerWorkloadSchema>;
export type Resource =
  | EventBusResource
  | FunctionResource
  | SqsQueueResource
  | HttpApiGatewayResource
  | BatchJobResource
  | MultiContainerWorkloadResource;
