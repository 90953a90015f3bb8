import { z } from "@hono/zod-openapi";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  ImagePackagingSchema,
  resourceSchema,
} from "../../config/schema/common.js";
import { strictObject } from "../../config/schema/strict.js";
import { busTrigger } from "../event-bus/trigger.js";
import { routeTrigger } from "../http-api-gateway.js";
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
  }),
});

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
              z.discriminatedUnion("type", [ContainerRouteSchema, ContainerInternalIntegrationSchema], {
                error: (issue) =>
                  issue.code === "invalid_union" ? containerEventError(issue.input) : undefined,
              }),
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

export type MultiContainerWorkloadResource = z.infer<typeof MultiContainerWorkloadSchema>;
