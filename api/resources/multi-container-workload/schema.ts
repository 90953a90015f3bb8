import { z } from "@hono/zod-openapi";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  ImagePackagingSchema,
  resourceSchema,
} from "../../config/schema/common.js";
import { strictObject } from "../../config/schema/strict.js";
import { noAlarmsOn } from "../concerns/alarms/index.js";
import { busTrigger } from "../event-bus/trigger.js";
import { routeTrigger } from "../http-api-gateway.js";
import { LoggingSchema } from "../logging.js";
import { VolumeMountsSchema } from "../volume-mounts.js";
import { fargateSizeProblem } from "./fargate.js";

/** What a container is reached by: a route of an HTTP API, or a port open inside the network. */
const CONTAINER_EVENT_TYPES = [routeTrigger.type, "workload-internal"] as const;

const containerPort = z.number().int().min(1).max(65535);

const routeProperties = routeTrigger.schema.shape.properties.shape;

/** A route of an HTTP API to a container port (always one port per workload: see httpTarget). */
const ContainerRouteSchema = strictObject({
  type: z.literal(routeTrigger.type),
  properties: strictObject({
    containerPort,
    httpApiGatewayName: routeProperties.httpApiGatewayName,
    method: routeProperties.method,
    path: routeProperties.path,
    authorizer: routeProperties.authorizer,
    // API Gateway's private integrations (VPC link) speak payload format 1.0 only.
    payloadFormat: z
      .enum(["1.0", "2.0"])
      .refine((f) => f === "1.0", {
        message:
          "A container's routes use payload format 1.0 (API Gateway's private integrations take no other).",
      })
      .optional(),
  }),
});

/** Load balancers and service connect: taken in Stacktape's shape, refused by the checks (index.ts). */
const lbCondition = (key: "headerName" | "paramName") =>
  z.array(strictObject({ [key]: z.string(), values: z.array(z.string()) }));
const ContainerLoadBalancerSchema = strictObject({
  type: z.literal("application-load-balancer"),
  properties: strictObject({
    containerPort,
    loadBalancerName: z.string(),
    listenerPort: z.number().int().optional(),
    priority: z.number().int(),
    paths: z.array(z.string()).optional(),
    methods: z.array(z.string()).optional(),
    hosts: z.array(z.string()).optional(),
    headers: lbCondition("headerName").optional(),
    queryParams: lbCondition("paramName").optional(),
    sourceIps: z.array(z.string()).optional(),
  }),
});
const ContainerNetworkLoadBalancerSchema = strictObject({
  type: z.literal("network-load-balancer"),
  properties: strictObject({ containerPort, loadBalancerName: z.string(), listenerPort: z.number().int() }),
});
const ContainerServiceConnectSchema = strictObject({
  type: z.literal("service-connect"),
  properties: strictObject({
    containerPort,
    alias: z.string().optional(),
    protocol: z.enum(["grpc", "http", "http2"]).optional(),
  }),
});

/** Container event types Switchyard takes in Stacktape's shape and refuses (index.ts says why). */
export const REFUSED_CONTAINER_EVENTS: Readonly<Record<string, string>> = {
  "application-load-balancer":
    "application-load-balancer events name an application-load-balancer resource, a type Switchyard does not manage: reach the container through an http-api-gateway route.",
  "network-load-balancer":
    "network-load-balancer events name a network-load-balancer resource, a type Switchyard does not manage.",
  "service-connect":
    "service-connect is not supported: reach the container inside the network with a workload-internal port.",
};

const ContainerInternalIntegrationSchema = strictObject({
  type: z.literal("workload-internal"),
  properties: strictObject({ containerPort }),
});

const containerEventError = (input: unknown) => {
  const type = (input as { type?: unknown } | undefined)?.type;
  return type === busTrigger.type
    ? "A multi-container-workload cannot subscribe to an event bus (Stacktape v3 neither): subscribe an sqs-queue and poll it from the workload."
    : `Unsupported event type on a multi-container-workload container; supported: ${CONTAINER_EVENT_TYPES.join(", ")}. Load balancers and service connect are not compiled by Switchyard.`;
};

/**
 * Stacktape's multi-container-workload on Fargate: cpu in vCPU, memory in MB, checked against
 * Fargate's allowed pairs. Workloads publish to buses through connectTo; they never subscribe.
 */
export const MultiContainerWorkloadSchema = resourceSchema(
  "multi-container-workload",
  strictObject(
    {
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
                  [
                    ContainerRouteSchema,
                    ContainerInternalIntegrationSchema,
                    ContainerLoadBalancerSchema,
                    ContainerNetworkLoadBalancerSchema,
                    ContainerServiceConnectSchema,
                  ],
                  {
                    error: (issue) =>
                      issue.code === "invalid_union" ? containerEventError(issue.input) : undefined,
                  },
                ),
              )
              .optional(),
            internalHealthCheck: strictObject({
              healthCheckCommand: z.array(z.string()).min(1),
              intervalSeconds: z.number().int().min(5).max(300).optional(),
              timeoutSeconds: z.number().int().min(2).max(60).optional(),
              retries: z.number().int().min(1).max(10).optional(),
              startPeriodSeconds: z.number().int().min(0).max(300).optional(),
            }).optional(),
            stopTimeout: z.number().int().min(2).max(120).optional(),
            logging: LoggingSchema.optional(),
            loadBalancerHealthCheck: strictObject({
              healthcheckPath: z.string().optional(),
              healthcheckInterval: z.number().optional(),
              healthcheckTimeout: z.number().optional(),
              healthCheckProtocol: z.enum(["HTTP", "TCP"]).optional(),
              healthCheckPort: z.number().optional(),
            }).optional(),
            volumeMounts: VolumeMountsSchema,
          }),
        )
        .min(1)
        .max(10, "A Fargate task runs at most 10 containers."),
      resources: strictObject({
        // Stacktape sizes EC2 workloads by instanceTypes alone; on Fargate both are needed.
        cpu: z.number().optional().openapi({ description: "vCPU: 0.25, 0.5, 1, 2, 4, 8 or 16." }),
        memory: z
          .number()
          .int()
          .optional()
          .openapi({ description: "MB, one of Fargate's sizes for the cpu." }),
        architecture: z.enum(["x86_64", "arm64"]).optional(),
        instanceTypes: z.array(z.string()).optional(),
        enableWarmPool: z.boolean().optional(),
      }).superRefine((size, ctx) => {
        for (const field of ["cpu", "memory"] as const)
          if (size[field] === undefined)
            ctx.addIssue({
              code: "custom",
              path: [field],
              message: `Workloads run on Fargate here, which needs ${field}: size the task with cpu and memory.`,
            });
        if (size.cpu === undefined || size.memory === undefined) return;
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
      deployment: strictObject({
        strategy: z.string(),
        beforeAllowTrafficFunction: z.string().optional(),
        afterTrafficShiftFunction: z.string().optional(),
        testListenerPort: z.number().int().optional(),
      }).optional(),
      enableRemoteSessions: z.boolean().optional(),
      usePrivateSubnetsWithNAT: z.boolean().optional(),
      connectTo: ConnectToSchema.optional(),
      iamRoleStatements: z.array(IamStatementSchema).optional(),
    },
    { notHere: noAlarmsOn("multi-container-workload") },
  ),
);

export type MultiContainerWorkloadResource = z.infer<typeof MultiContainerWorkloadSchema>;
