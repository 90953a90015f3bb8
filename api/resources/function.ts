import { z } from "@hono/zod-openapi";
import { environmentMap, workloadAccess } from "../compiler/connect-to.js";
import type { CompileContext } from "../compiler/context.js";
import {
  eventLogicalId,
  logicalId,
  NAME_LIMITS,
  pascalCase,
  resourcePhysicalName,
} from "../compiler/naming.js";
import { allow, arnOf, getAtt, ref } from "../compiler/template.js";
import { envVarName } from "../config/params.js";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  IMAGE_PACKAGING_TYPES,
  LambdaPackagingSchema,
  resourceSchema,
} from "../config/schema/common.js";
import { eventsOf } from "../config/schema/events.js";
import { strictObject } from "../config/schema/strict.js";
import { own } from "../prototype-safe.js";
import { alarmsOf } from "./concerns/alarms/index.js";
import type { ResourceDefinition } from "./definition.js";
import { busTrigger, checkBusTrigger, compileBusTrigger } from "./event-bus/trigger.js";
import { checkRoute, compileRoute, httpApiId, type Route, routeTrigger } from "./http-api-gateway.js";
import { workloadRole } from "./workload-role.js";

const alarms = alarmsOf("function");

export const FunctionSchema = resourceSchema(
  "function",
  strictObject({
    ...alarms.properties,
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
    events: eventsOf(
      "function",
      [busTrigger.type, routeTrigger.type],
      [busTrigger.schema, routeTrigger.schema],
    ).optional(),
  }),
);

export type FunctionResource = z.infer<typeof FunctionSchema>;

export const functionId = (name: string) => logicalId(name, "AWS::Lambda::Function");

const RUNTIME_BY_EXTENSION: Record<string, string> = { py: "python3.13", rb: "ruby3.4", java: "java21" };
/** Lambda logs are kept for 180 days, Stacktape's default. */
const LOG_RETENTION_DAYS = 180;

/**
 * function → role (logs + connectTo grants + iamRoleStatements), log group, AWS::Lambda::Function
 * whose code comes from template Parameters, and its subscriptions and HTTP API routes.
 */
export const lambdaFunction: ResourceDefinition<FunctionResource> = {
  type: "function",
  schema: FunctionSchema,
  triggers: [busTrigger, routeTrigger],
  concerns: [alarms],
  cloudformationTypes: [
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    ...busTrigger.cloudformationTypes,
    ...routeTrigger.cloudformationTypes,
  ],

  paramNames: () => ["arn", "name"],

  check(name, resource, checks) {
    resource.properties.events?.forEach((event, i) => {
      const path = ["resources", name, "properties", "events", i, "properties"];
      if (event.type === busTrigger.type) checkBusTrigger(event.properties, path, checks);
      else checkRoute(event.properties, path, checks);
    });
  },

  compile(name, resource, ctx) {
    const path = ["resources", name, "properties"];
    const props = resource.properties;
    const fnId = functionId(name);
    const roleId = logicalId(name, "AWS::IAM::Role");
    const logGroupId = logicalId(name, "AWS::Logs::LogGroup");
    const functionName = resourcePhysicalName(ctx.stack, name, NAME_LIMITS.lambda);
    const access = workloadAccess(ctx, props, path);

    ctx.add(name, logGroupId, {
      Type: "AWS::Logs::LogGroup",
      Properties: { LogGroupName: `/aws/lambda/${functionName}`, RetentionInDays: LOG_RETENTION_DAYS },
    });
    workloadRole(
      ctx,
      name,
      roleId,
      "lambda.amazonaws.com",
      [allow(["logs:CreateLogStream", "logs:PutLogEvents"], [getAtt(logGroupId, "Arn")])],
      access,
    );

    const variables = {
      ...environmentMap(ctx, props.environment, [...path, "environment"]),
      ...access.environment,
    };
    ctx.add(name, fnId, {
      Type: "AWS::Lambda::Function",
      DependsOn: [logGroupId],
      Properties: {
        FunctionName: functionName,
        Role: getAtt(roleId, "Arn"),
        ...code(ctx, name, props),
        MemorySize: props.memory ?? 1024,
        Timeout: props.timeout ?? 10,
        Architectures: [props.architecture ?? "x86_64"],
        ...(props.storage ? { EphemeralStorage: { Size: props.storage } } : {}),
        ...(props.description ? { Description: props.description } : {}),
        ...(Object.keys(variables).length > 0 ? { Environment: { Variables: variables } } : {}),
      },
    });

    props.events?.forEach((event, i) => {
      const eventPath = [...path, "events", i, "properties"];
      if (event.type === busTrigger.type) {
        compileBusTrigger(ctx, name, i, event.properties, eventPath, {
          kind: "lambda",
          arn: getAtt(fnId, "Arn"),
          functionLogicalId: fnId,
        });
      } else {
        httpRoute(ctx, name, i, event.properties);
      }
    });
  },

  params: (name) => ({ arn: getAtt(functionId(name), "Arn"), name: ref(functionId(name)) }),

  connect(name) {
    const arn = getAtt(functionId(name), "Arn");
    return {
      statements: [allow(["lambda:InvokeFunction"], [arn])],
      environment: { [envVarName(name, "arn")]: arn },
    };
  },
};

/**
 * Code location from template Parameters, so one template serves every build. The deployer fills
 * `<Function>CodeBucket`/`<Function>CodeKey` (zip packagings) or `<Function>ImageUri` (image packagings)
 * from the artifact it built for the resource named in `parameters[].resource`.
 */
function code(
  ctx: CompileContext,
  name: string,
  props: FunctionResource["properties"],
): Record<string, unknown> {
  const base = pascalCase(name);
  if ((IMAGE_PACKAGING_TYPES as readonly string[]).includes(props.packaging.type)) {
    const imageUri = ctx.parameter(`${base}ImageUri`, "image-uri", name, {
      Type: "String",
      Description: `Container image URI of function ${name}.`,
    });
    return { PackageType: "Image", Code: { ImageUri: imageUri } };
  }
  const entry = String(props.packaging.properties?.entryfilePath ?? "");
  const extension = entry.split(".").pop() ?? "";
  return {
    Runtime: props.runtime ?? own(RUNTIME_BY_EXTENSION, extension) ?? "nodejs22.x",
    Handler: props.handler ?? "index.handler",
    Code: {
      S3Bucket: ctx.parameter(`${base}CodeBucket`, "code-bucket", name, {
        Type: "String",
        Description: `S3 bucket holding the code zip of function ${name}.`,
      }),
      S3Key: ctx.parameter(`${base}CodeKey`, "code-key", name, {
        Type: "String",
        Description: `S3 key of the code zip of function ${name}.`,
      }),
    },
  };
}

/** A route to the function (AWS_PROXY) and the permission for API Gateway to invoke it. */
function httpRoute(
  ctx: CompileContext,
  name: string,
  index: number,
  event: Route & { payloadFormat?: "1.0" | "2.0" },
): void {
  compileRoute(ctx, name, index, event, {
    IntegrationType: "AWS_PROXY",
    IntegrationUri: getAtt(functionId(name), "Arn"),
    PayloadFormatVersion: event.payloadFormat ?? "2.0",
  });
  const method = event.method === "*" ? "ANY" : event.method;
  const sourcePath =
    event.path === "$default"
      ? "*/$default"
      : `*/${event.method === "*" ? "*" : method}${event.path.replace(/\{[^}]+\}/g, "*")}`;
  ctx.add(name, eventLogicalId(name, index, "AWS::Lambda::Permission"), {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: getAtt(functionId(name), "Arn"),
      Principal: "apigateway.amazonaws.com",
      SourceArn: arnOf("execute-api", `\${Api}/${sourcePath}`, {
        Api: ref(httpApiId(event.httpApiGatewayName)),
      }),
    },
  });
}
