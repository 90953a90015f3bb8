import { envVarName, type FunctionResource } from "../../config/index.js";
import { IMAGE_PACKAGING_TYPES } from "../../config/schema/common.js";
import { own } from "../../prototype-safe.js";
import { environmentMap, workloadAccess } from "../connect-to.js";
import type { CompileContext } from "../context.js";
import { eventLogicalId, logicalId, NAME_LIMITS, pascalCase, resourcePhysicalName } from "../naming.js";
import type { ResourceCompiler } from "../registry.js";
import { compileSubscription } from "../subscriptions.js";
import { allow, arnOf, getAtt, join, ref } from "../template.js";
import { httpApiId } from "./http-api-gateway.js";
import { workloadRole } from "./workload-role.js";

export const functionId = (name: string) => logicalId(name, "AWS::Lambda::Function");

const RUNTIME_BY_EXTENSION: Record<string, string> = { py: "python3.13", rb: "ruby3.4", java: "java21" };
/** Lambda logs are kept for 180 days, Stacktape's default. */
const LOG_RETENTION_DAYS = 180;

/**
 * function → role (logs + connectTo grants + iamRoleStatements), log group, AWS::Lambda::Function
 * whose code comes from template Parameters, and its subscriptions and HTTP API routes.
 */
export const lambdaFunction: ResourceCompiler<FunctionResource> = {
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
      if (event.type === "event-bus") {
        compileSubscription(ctx, name, i, event.properties, eventPath, {
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

function httpRoute(
  ctx: CompileContext,
  name: string,
  index: number,
  event: { httpApiGatewayName: string; method: string; path: string; payloadFormat?: "1.0" | "2.0" },
): void {
  const apiId = httpApiId(event.httpApiGatewayName);
  const integrationId = eventLogicalId(name, index, "AWS::ApiGatewayV2::Integration");
  const method = event.method === "*" ? "ANY" : event.method;
  const routeKey = event.path === "$default" ? "$default" : `${method} ${event.path}`;
  ctx.add(name, integrationId, {
    Type: "AWS::ApiGatewayV2::Integration",
    Properties: {
      ApiId: ref(apiId),
      IntegrationType: "AWS_PROXY",
      IntegrationUri: getAtt(functionId(name), "Arn"),
      PayloadFormatVersion: event.payloadFormat ?? "2.0",
    },
  });
  ctx.add(name, eventLogicalId(name, index, "AWS::ApiGatewayV2::Route"), {
    Type: "AWS::ApiGatewayV2::Route",
    Properties: {
      ApiId: ref(apiId),
      RouteKey: routeKey,
      Target: join("/", ["integrations", ref(integrationId)]),
    },
  });
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
      SourceArn: arnOf("execute-api", `\${Api}/${sourcePath}`, { Api: ref(apiId) }),
    },
  });
}
