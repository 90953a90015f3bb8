import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../compiler/context.js";
import { eventLogicalId, logicalId, NAME_LIMITS, resourcePhysicalName } from "../compiler/naming.js";
import { getAtt, join, ref } from "../compiler/template.js";
import type { ConfigChecks } from "../config/checks.js";
import type { ConfigPath } from "../config/problem.js";
import { resourceSchema } from "../config/schema/common.js";
import { strictObject } from "../config/schema/strict.js";
import { alarmsOf } from "./concerns/alarms/index.js";
import {
  AUTHORIZER_CLOUDFORMATION_TYPES,
  AuthorizerSchema,
  checkAuthorizer,
  compileAuthorizer,
} from "./concerns/authorizers.js";
import { cdnConcern } from "./concerns/cdn/index.js";
import type { ResourceDefinition, Trigger } from "./definition.js";

const alarms = alarmsOf("http-api-gateway");
const cdn = cdnConcern("http-api-gateway");

export const HttpApiGatewaySchema = resourceSchema(
  "http-api-gateway",
  strictObject({
    ...alarms.properties,
    ...cdn.properties,
    cors: strictObject({
      enabled: z.boolean(),
      allowedOrigins: z.array(z.string()).optional(),
      allowedMethods: z.array(z.string()).optional(),
      allowedHeaders: z.array(z.string()).optional(),
    }).optional(),
    payloadFormat: z.enum(["1.0", "2.0"]).optional(),
  }).optional(),
);

export type HttpApiGatewayResource = z.infer<typeof HttpApiGatewaySchema>;

/** The http-api-gateway trigger: a route of an HTTP API of the config, to a function or a container. */
const RouteTriggerSchema = strictObject({
  type: z.literal("http-api-gateway"),
  properties: strictObject({
    httpApiGatewayName: z.string(),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"]),
    path: z.string().regex(/^\/|^\$default$/, 'A route path starts with "/" (or is $default).'),
    payloadFormat: z.enum(["1.0", "2.0"]).optional(),
    authorizer: AuthorizerSchema.optional(),
  }),
});

export const routeTrigger = {
  type: "http-api-gateway" as const,
  schema: RouteTriggerSchema,
  cloudformationTypes: [
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    ...AUTHORIZER_CLOUDFORMATION_TYPES,
  ],
} satisfies Trigger;

export type Route = Pick<
  z.infer<typeof RouteTriggerSchema>["properties"],
  "httpApiGatewayName" | "method" | "path" | "authorizer"
>;

export const httpApiId = (name: string) => logicalId(name, "AWS::ApiGatewayV2::Api");

/** The API a route names must be an http-api-gateway of the config. */
export function checkRoute(route: Route, path: ConfigPath, checks: ConfigChecks): void {
  checks.expectType(
    [...path, "httpApiGatewayName"],
    route.httpApiGatewayName,
    "http-api-gateway",
    "httpApiGatewayName",
  );
  checkAuthorizer(route.authorizer, path, checks);
}

/**
 * A route of `owner`'s `index`th event: an integration with the owner's `integration` properties
 * and the route to it (`ANY` for `*`). Returns the integration's logical ID.
 */
export function compileRoute(
  ctx: CompileContext,
  owner: string,
  index: number,
  route: Route,
  integration: Record<string, unknown>,
): string {
  const apiId = httpApiId(route.httpApiGatewayName);
  const integrationId = eventLogicalId(owner, index, "AWS::ApiGatewayV2::Integration");
  const method = route.method === "*" ? "ANY" : route.method;
  ctx.add(owner, integrationId, {
    Type: "AWS::ApiGatewayV2::Integration",
    Properties: { ApiId: ref(apiId), ...integration },
  });
  ctx.add(owner, eventLogicalId(owner, index, "AWS::ApiGatewayV2::Route"), {
    Type: "AWS::ApiGatewayV2::Route",
    Properties: {
      ApiId: ref(apiId),
      RouteKey: route.path === "$default" ? "$default" : `${method} ${route.path}`,
      Target: join("/", ["integrations", ref(integrationId)]),
      ...(route.authorizer
        ? compileAuthorizer(ctx, {
            owner,
            index,
            api: route.httpApiGatewayName,
            method,
            path: route.path,
            authorizer: route.authorizer,
          })
        : {}),
    },
  });
  return integrationId;
}

/**
 * http-api-gateway → an HTTP API and its auto-deployed `$default` stage; routes come from the
 * functions and workloads whose http-api-gateway triggers name it.
 */
export const httpApiGateway: ResourceDefinition<HttpApiGatewayResource> = {
  type: "http-api-gateway",
  schema: HttpApiGatewaySchema,
  triggers: [],
  trigger: routeTrigger,
  concerns: [alarms, cdn],
  cloudformationTypes: ["AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"],

  paramNames: () => ["id", "url"],

  compile(name, resource, ctx) {
    const cors = resource.properties?.cors;
    ctx.add(name, httpApiId(name), {
      Type: "AWS::ApiGatewayV2::Api",
      Properties: {
        Name: resourcePhysicalName(ctx.stack, name, NAME_LIMITS.api),
        ProtocolType: "HTTP",
        ...(cors?.enabled
          ? {
              CorsConfiguration: {
                AllowOrigins: cors.allowedOrigins ?? ["*"],
                AllowMethods: cors.allowedMethods ?? ["*"],
                AllowHeaders: cors.allowedHeaders ?? ["*"],
              },
            }
          : {}),
      },
    });
    ctx.add(name, logicalId(name, "AWS::ApiGatewayV2::Stage", "Default"), {
      Type: "AWS::ApiGatewayV2::Stage",
      Properties: { ApiId: ref(httpApiId(name)), StageName: "$default", AutoDeploy: true },
    });
  },
  params: (name) => ({ id: ref(httpApiId(name)), url: getAtt(httpApiId(name), "ApiEndpoint") }),
};
