import { createHash } from "node:crypto";
import { z } from "@hono/zod-openapi";
import { environmentMap, workloadAccess } from "../compiler/connect-to.js";
import type { CompileContext } from "../compiler/context.js";
import { resolveDirectives } from "../compiler/directives.js";
import { logicalId, NAME_LIMITS, pascalCase, resourcePhysicalName } from "../compiler/naming.js";
import { platformSecurityGroups, platformSubnets } from "../compiler/network.js";
import { allow, arnOf, getAtt, policyDocument, ref } from "../compiler/template.js";
import { envVarName } from "../config/params.js";
import {
  ConnectToSchema,
  EnvironmentSchema,
  IamStatementSchema,
  IMAGE_PACKAGING_TYPES,
  LambdaPackagingSchema,
  resourceSchema,
  TagsSchema,
} from "../config/schema/common.js";
import { eventsOf } from "../config/schema/events.js";
import { strictObject } from "../config/schema/strict.js";
import { own } from "../prototype-safe.js";
import { alarmsOf } from "./concerns/alarms/index.js";
import { cdnConcern } from "./concerns/cdn/index.js";
import { aliasId, gradualDeployment, LIVE_ALIAS } from "./concerns/gradual-deployment.js";
import { logForwardingOf, logGroupOf } from "./concerns/log-forwarding.js";
import type { ResourceDefinition } from "./definition.js";
import { CorsSchema } from "./http-api-gateway.js";
import { LoggingSchema } from "./logging.js";
import { LAMBDA_TRIGGERS, lambdaBusTrigger, lambdaRouteTrigger } from "./triggers/index.js";
import type { LambdaTrigger } from "./triggers/lambda-trigger.js";
import { VolumeMountsSchema } from "./volume-mounts.js";
import { workloadRole } from "./workload-role.js";

/** Every `events` item a function takes, by type (api/resources/triggers/). */
const FUNCTION_TRIGGERS = [lambdaBusTrigger, lambdaRouteTrigger, ...LAMBDA_TRIGGERS] as const;

const TRIGGER_BY_TYPE: ReadonlyMap<string, LambdaTrigger> = new Map(
  FUNCTION_TRIGGERS.map((t): [string, LambdaTrigger] => [t.type, t as unknown as LambdaTrigger]),
);

const alarms = alarmsOf("function", {
  alias: (props) => (hasAlias(props as FunctionResource["properties"]) ? LIVE_ALIAS : undefined),
});
const cdn = cdnConcern("function");
const hasUrl = (props: { url?: { enabled?: boolean }; cdn?: { enabled?: boolean } }) =>
  props.url?.enabled === true || props.cdn?.enabled === true;
const logForwarding = logForwardingOf(logGroupOf);

export const FunctionSchema = resourceSchema(
  "function",
  strictObject({
    ...alarms.properties,
    ...cdn.properties,
    ...gradualDeployment.properties,
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
    tags: TagsSchema.optional(),
    joinDefaultVpc: z.boolean().optional(),
    reservedConcurrency: z.number().int().min(0).optional(),
    provisionedConcurrency: z.number().int().min(1).optional(),
    layers: z.array(z.string()).max(5, "A function has at most 5 layers.").optional(),
    destinations: strictObject({
      onSuccess: z.string().optional(),
      onFailure: z.string().optional(),
    }).optional(),
    logging: LoggingSchema.optional(),
    url: strictObject({
      enabled: z.boolean(),
      cors: CorsSchema.optional(),
      authMode: z.enum(["AWS_IAM", "NONE"]).optional(),
      responseStreamEnabled: z.boolean().optional(),
    }).optional(),
    volumeMounts: VolumeMountsSchema,
    events: eventsOf(
      "function",
      FUNCTION_TRIGGERS.filter((t) => !("refused" in t)).map((t) => t.type),
      FUNCTION_TRIGGERS.map((t) => t.schema) as unknown as [
        (typeof FUNCTION_TRIGGERS)[number]["schema"],
        ...(typeof FUNCTION_TRIGGERS)[number]["schema"][],
      ],
    ).optional(),
  }),
);

export type FunctionResource = z.infer<typeof FunctionSchema>;

export const functionId = (name: string) => logicalId(name, "AWS::Lambda::Function");

/** Provisioned concurrency and gradual deployments both serve the function through its alias. */
function hasAlias(props: FunctionResource["properties"]): boolean {
  return props.provisionedConcurrency !== undefined || props.deployment !== undefined;
}

/** What invokes the function: its alias when it has one, else itself (as Stacktape). */
const endpointArn = (name: string, props: FunctionResource["properties"]) =>
  hasAlias(props) ? ref(aliasId(name)) : getAtt(functionId(name), "Arn");

const RUNTIME_BY_EXTENSION: Record<string, string> = { py: "python3.13", rb: "ruby3.4", java: "java21" };
/** Lambda logs are kept for 180 days, Stacktape's default. */
const LOG_RETENTION_DAYS = 180;

/** Properties Stacktape has that Switchyard refuses, and why (README, "What Switchyard refuses"). */
const REFUSED_PROPERTIES = {
  volumeMounts:
    "volumeMounts are not supported: they name an efs-filesystem resource, a type Switchyard does not manage.",
} as const;

/**
 * function → role (logs + what its triggers read + connectTo grants + iamRoleStatements), log group,
 * AWS::Lambda::Function whose code comes from template Parameters, and each trigger's resources
 * (api/resources/triggers/); optionally a URL, an alias with provisioned concurrency, destinations.
 */
export const lambdaFunction: ResourceDefinition<FunctionResource> = {
  type: "function",
  schema: FunctionSchema,
  triggers: FUNCTION_TRIGGERS,
  concerns: [alarms, logForwarding, cdn, gradualDeployment],
  cloudformationTypes: [
    ...new Set([
      "AWS::Lambda::Function",
      "AWS::Lambda::Permission",
      "AWS::Lambda::Url",
      "AWS::Lambda::Version",
      "AWS::Lambda::Alias",
      "AWS::Lambda::EventInvokeConfig",
      "AWS::Logs::LogGroup",
      "AWS::IAM::Role",
      ...FUNCTION_TRIGGERS.flatMap((t) => t.cloudformationTypes),
    ]),
  ],

  paramNames: (resource) => (hasUrl(resource.properties) ? ["arn", "name", "url"] : ["arn", "name"]),

  check(name, resource, checks) {
    const path = ["resources", name, "properties"];
    const props = resource.properties;
    for (const [key, why] of Object.entries(REFUSED_PROPERTIES))
      if (props[key as keyof typeof REFUSED_PROPERTIES] !== undefined) checks.report([...path, key], why);
    if (
      props.provisionedConcurrency !== undefined &&
      props.reservedConcurrency !== undefined &&
      props.provisionedConcurrency > props.reservedConcurrency
    )
      checks.report(
        [...path, "provisionedConcurrency"],
        `provisionedConcurrency (${props.provisionedConcurrency}) cannot exceed reservedConcurrency (${props.reservedConcurrency}).`,
      );
    props.events?.forEach((event, i) => {
      TRIGGER_BY_TYPE.get(event.type)?.check?.(
        event.properties,
        [...path, "events", i, "properties"],
        checks,
      );
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
    const target = { name, functionLogicalId: fnId, arn: endpointArn(name, props) };

    const logging = !props.logging?.disabled;
    if (logging) {
      ctx.add(name, logGroupId, {
        Type: "AWS::Logs::LogGroup",
        Properties: {
          LogGroupName: `/aws/lambda/${functionName}`,
          RetentionInDays: props.logging?.retentionDays ?? LOG_RETENTION_DAYS,
        },
      });
    }
    const destinations = [props.destinations?.onSuccess, props.destinations?.onFailure]
      .map((arn, i) =>
        arn === undefined
          ? undefined
          : resolveDirectives(arn, [...path, "destinations", i === 0 ? "onSuccess" : "onFailure"], ctx),
      )
      .filter((arn) => arn !== undefined);
    workloadRole(
      ctx,
      name,
      roleId,
      "lambda.amazonaws.com",
      [
        ...(logging
          ? [allow(["logs:CreateLogStream", "logs:PutLogEvents"], [getAtt(logGroupId, "Arn")])]
          : []),
        // Lambda creates the network interfaces of a function in a VPC with the function's role.
        ...(props.joinDefaultVpc
          ? [
              allow(
                ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"],
                ["network-interface/*", "subnet/*", "security-group/*"].map((r) => arnOf("ec2", r)),
              ),
              // DescribeNetworkInterfaces supports no resource-level permissions.
              allow(["ec2:DescribeNetworkInterfaces"], ["*"]),
            ]
          : []),
        // A destination's type is not known from its ARN alone: every kind may be sent to, as in Stacktape.
        ...(destinations.length > 0
          ? [
              allow(
                ["lambda:InvokeFunction", "sqs:SendMessage", "sns:Publish", "events:PutEvents"],
                destinations,
              ),
            ]
          : []),
      ],
      access,
    );

    const variables = {
      ...environmentMap(ctx, props.environment, [...path, "environment"]),
      ...access.environment,
    };
    ctx.add(name, fnId, {
      Type: "AWS::Lambda::Function",
      DependsOn: logging ? [logGroupId] : [],
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
        ...(props.layers?.length
          ? { Layers: props.layers.map((l, i) => resolveDirectives(l, [...path, "layers", i], ctx)) }
          : {}),
        ...(props.reservedConcurrency !== undefined
          ? { ReservedConcurrentExecutions: props.reservedConcurrency }
          : {}),
        ...(props.joinDefaultVpc
          ? { VpcConfig: { SubnetIds: platformSubnets(ctx), SecurityGroupIds: platformSecurityGroups(ctx) } }
          : {}),
        ...(props.tags?.length ? { Tags: props.tags.map((t) => ({ Key: t.name, Value: t.value })) } : {}),
      },
    });
    if (!logging) delete ctx.resources[fnId]!.DependsOn;

    // What the triggers read from their sources (event source mappings poll with the function's role).
    const triggerStatements = (props.events ?? []).flatMap((event, i) => {
      const eventPath = [...path, "events", i, "properties"];
      const statements = TRIGGER_BY_TYPE.get(event.type)!.compile(
        ctx,
        target,
        i,
        event.properties,
        eventPath,
      );
      // A problem the tenant check finds in one points at the trigger that asked for it.
      for (const statement of statements) ctx.nodeOrigins.set(statement, eventPath);
      return statements;
    });
    if (triggerStatements.length > 0) {
      const role = ctx.resources[roleId]!.Properties as { Policies?: unknown[] };
      role.Policies = [
        ...(role.Policies ?? []),
        { PolicyName: "triggers", PolicyDocument: policyDocument(triggerStatements) },
      ];
    }

    if (hasAlias(props)) live(ctx, name, props);
    if (destinations.length > 0) {
      ctx.add(name, logicalId(name, "AWS::Lambda::EventInvokeConfig"), {
        Type: "AWS::Lambda::EventInvokeConfig",
        // Its qualifier is the alias when there is one, which must exist first.
        ...(hasAlias(props) ? { DependsOn: [aliasId(name)] } : {}),
        Properties: {
          FunctionName: ref(fnId),
          Qualifier: hasAlias(props) ? LIVE_ALIAS : "$LATEST",
          DestinationConfig: {
            ...(props.destinations?.onSuccess !== undefined
              ? { OnSuccess: { Destination: destinations[0] } }
              : {}),
            ...(props.destinations?.onFailure !== undefined
              ? { OnFailure: { Destination: destinations.at(-1) } }
              : {}),
          },
        },
      });
    }
    // A CDN reaches the function through its URL (public, as Stacktape makes it when none is asked for).
    if (hasUrl(props))
      functionUrl(ctx, name, { ...props, url: props.url?.enabled ? props.url : { enabled: true } });
  },

  params: (name, resource) => ({
    arn: getAtt(functionId(name), "Arn"),
    name: ref(functionId(name)),
    ...(hasUrl(resource.properties)
      ? { url: getAtt(logicalId(name, "AWS::Lambda::Url"), "FunctionUrl") }
      : {}),
  }),

  connect(name) {
    const arn = getAtt(functionId(name), "Arn");
    return {
      statements: [allow(["lambda:InvokeFunction"], [arn])],
      environment: { [envVarName(name, "arn")]: arn },
    };
  },
};

/**
 * Provisioned concurrency and gradual deployments need a published version behind an alias
 * (`stp-live`, Stacktape's). A version is immutable, so it is published again (the resource
 * replaced) whenever the function changes: its description carries the code's location and a hash
 * of the function's configuration as compiled. With a `deployment`, CodeDeploy then shifts the
 * alias to it (concerns/gradual-deployment.ts).
 */
function live(ctx: CompileContext, name: string, props: FunctionResource["properties"]): void {
  const fnId = functionId(name);
  const versionId = logicalId(name, "AWS::Lambda::Version");
  const codeParameters = ctx.parameters.filter((p) => p.resource === name).map((p) => ({ Ref: p.name }));
  const configuration = createHash("sha256")
    .update(JSON.stringify(ctx.resources[fnId]?.Properties ?? {}))
    .digest("hex")
    .slice(0, 16);
  ctx.add(name, versionId, {
    Type: "AWS::Lambda::Version",
    Properties: {
      FunctionName: ref(fnId),
      Description: { "Fn::Join": ["/", [...codeParameters, configuration]] },
    },
  });
  ctx.add(name, aliasId(name), {
    Type: "AWS::Lambda::Alias",
    Properties: {
      FunctionName: ref(fnId),
      FunctionVersion: getAtt(versionId, "Version"),
      Name: LIVE_ALIAS,
      ...(props.provisionedConcurrency
        ? { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: props.provisionedConcurrency } }
        : {}),
    },
  });
}

/** Stacktape's default CORS of a function URL. */
const URL_CORS_DEFAULTS = {
  AllowOrigins: ["*"],
  AllowHeaders: [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
  ],
  AllowMethods: ["*"],
};

/** A function URL (`<Function>Url`) and, when it takes anonymous calls, the permission for them. */
function functionUrl(ctx: CompileContext, name: string, props: FunctionResource["properties"]): void {
  const url = props.url!;
  const cors = url.cors?.enabled ? url.cors : undefined;
  const target = endpointArn(name, props);
  ctx.add(name, logicalId(name, "AWS::Lambda::Url"), {
    Type: "AWS::Lambda::Url",
    Properties: {
      AuthType: url.authMode ?? "NONE",
      TargetFunctionArn: target,
      InvokeMode: url.responseStreamEnabled ? "RESPONSE_STREAM" : "BUFFERED",
      ...(cors
        ? {
            Cors: {
              AllowOrigins: cors.allowedOrigins ?? URL_CORS_DEFAULTS.AllowOrigins,
              AllowHeaders: cors.allowedHeaders ?? URL_CORS_DEFAULTS.AllowHeaders,
              AllowMethods: cors.allowedMethods ?? URL_CORS_DEFAULTS.AllowMethods,
              ...(cors.allowCredentials !== undefined ? { AllowCredentials: cors.allowCredentials } : {}),
              ...(cors.maxAge !== undefined ? { MaxAge: cors.maxAge } : {}),
              ...(cors.exposedResponseHeaders ? { ExposeHeaders: cors.exposedResponseHeaders } : {}),
            },
          }
        : {}),
    },
  });
  if ((url.authMode ?? "NONE") === "NONE") {
    ctx.add(name, logicalId(name, "AWS::Lambda::Permission", "PublicUrl"), {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Principal: "*",
        Action: "lambda:InvokeFunctionUrl",
        FunctionName: target,
        FunctionUrlAuthType: "NONE",
      },
    });
  }
}

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
