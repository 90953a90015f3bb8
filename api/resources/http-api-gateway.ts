import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../compiler/context.js";
import {
  eventLogicalId,
  logicalId,
  NAME_LIMITS,
  physicalName,
  resourcePhysicalName,
} from "../compiler/naming.js";
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
import {
  addDnsRecord,
  attachCustomDomain,
  CustomDomainSchema,
  ROUTE53_RECORD_SET,
} from "./concerns/custom-domains.js";
import { logForwardingOf, logGroupOf } from "./concerns/log-forwarding.js";
import type { ResourceDefinition, Trigger } from "./definition.js";
import { LoggingSchema } from "./logging.js";

/** Stacktape's access log formats, as API Gateway `$context` templates. */
const ACCESS_LOG_FORMATS = {
  CLF: '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId',
  JSON: JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    routeKey: "$context.routeKey",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
  }),
  CSV: "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,$context.protocol,$context.status,$context.responseLength,$context.requestId",
  XML: '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <routeKey>$context.routeKey</routeKey> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
} as const;

/** Stacktape's CORS settings, of HTTP APIs and function URLs alike. */
export const CorsSchema = strictObject({
  enabled: z.boolean(),
  allowedOrigins: z.array(z.string()).optional(),
  allowedHeaders: z.array(z.string()).optional(),
  allowedMethods: z.array(z.string()).optional(),
  allowCredentials: z.boolean().optional(),
  exposedResponseHeaders: z.array(z.string()).optional(),
  maxAge: z.number().int().min(0).max(86400).optional(),
});

const alarms = alarmsOf("http-api-gateway");
const cdn = cdnConcern("http-api-gateway");

export const HttpApiGatewaySchema = resourceSchema(
  "http-api-gateway",
  strictObject({
    ...alarms.properties,
    ...cdn.properties,
    cors: CorsSchema.optional(),
    payloadFormat: z.enum(["1.0", "2.0"]).optional(),
    logging: LoggingSchema.extend({ format: z.enum(["CLF", "CSV", "JSON", "XML"]).optional() }).optional(),
    customDomains: z.array(CustomDomainSchema).optional(),
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
  concerns: [alarms, cdn, logForwardingOf(logGroupOf)],
  cloudformationTypes: [
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::DomainName",
    "AWS::ApiGatewayV2::ApiMapping",
    ROUTE53_RECORD_SET,
    "AWS::Logs::LogGroup",
  ],

  paramNames: () => ["id", "url"],

  compile(name, resource, ctx) {
    const props = resource.properties;
    const cors = props?.cors;
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
                ...(cors.allowCredentials !== undefined ? { AllowCredentials: cors.allowCredentials } : {}),
                ...(cors.exposedResponseHeaders ? { ExposeHeaders: cors.exposedResponseHeaders } : {}),
                ...(cors.maxAge !== undefined ? { MaxAge: cors.maxAge } : {}),
              },
            }
          : {}),
      },
    });
    // Access logs when `logging` asks for them (Stacktape logs by default; Switchyard only on request).
    const logging = props?.logging && !props.logging.disabled ? props.logging : undefined;
    const logGroupId = logicalId(name, "AWS::Logs::LogGroup");
    if (logging) {
      ctx.add(name, logGroupId, {
        Type: "AWS::Logs::LogGroup",
        Properties: {
          // API Gateway writes vended logs only under /aws/vendedlogs/; Stacktape's `<stack>/api-gateway/...`
          // becomes `<stack>-api-gateway/...`, so the name starts with the stack's as every name here does.
          LogGroupName: physicalName(
            `/aws/vendedlogs/${ctx.stack}-api-gateway/${name}/access-logs`,
            NAME_LIMITS.logGroup,
          ),
          RetentionInDays: logging.retentionDays ?? 90,
        },
      });
    }
    const stageId = logicalId(name, "AWS::ApiGatewayV2::Stage", "Default");
    ctx.add(name, stageId, {
      Type: "AWS::ApiGatewayV2::Stage",
      Properties: {
        ApiId: ref(httpApiId(name)),
        StageName: "$default",
        AutoDeploy: true,
        ...(logging
          ? {
              AccessLogSettings: {
                DestinationArn: getAtt(logGroupId, "Arn"),
                Format: ACCESS_LOG_FORMATS[logging.format ?? "JSON"],
              },
            }
          : {}),
      },
    });
    props?.customDomains?.forEach((domain, i) => {
      const domainPath = ["resources", name, "properties", "customDomains", i];
      const attached = attachCustomDomain(ctx, domainPath, domain, "http-api-gateway");
      if (!attached) return;
      const domainId = logicalId(name, "AWS::ApiGatewayV2::DomainName", `Domain${i}`);
      ctx.add(name, domainId, {
        Type: "AWS::ApiGatewayV2::DomainName",
        Properties: {
          DomainName: attached.host,
          DomainNameConfigurations: [{ CertificateArn: attached.certificateArn, EndpointType: "REGIONAL" }],
        },
      });
      ctx.origin(domainId, "DomainName", [...domainPath, "domainName"]);
      ctx.add(name, logicalId(name, "AWS::ApiGatewayV2::ApiMapping", `Domain${i}`), {
        Type: "AWS::ApiGatewayV2::ApiMapping",
        DependsOn: [domainId, stageId],
        Properties: { ApiId: ref(httpApiId(name)), DomainName: ref(domainId), Stage: "$default" },
      });
      if (attached.hostedZoneId)
        addDnsRecord(
          ctx,
          name,
          logicalId(name, ROUTE53_RECORD_SET, `Domain${i}`),
          domainPath,
          { host: attached.host, hostedZoneId: attached.hostedZoneId },
          {
            DNSName: getAtt(domainId, "RegionalDomainName"),
            HostedZoneId: getAtt(domainId, "RegionalHostedZoneId"),
          },
        );
    });
  },
  params: (name) => ({ id: ref(httpApiId(name)), url: getAtt(httpApiId(name), "ApiEndpoint") }),
};
