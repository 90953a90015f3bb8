/**
 * `authorizer` on an http-api-gateway route (a function's or a container's), as Stacktape compiles
 * it: an AWS::ApiGatewayV2::Authorizer of type JWT for a Cognito user pool, or REQUEST for a Lambda,
 * and the route protected by it (`AuthorizationType` JWT or CUSTOM). Stacktape names the pool by a
 * `user-auth-pool` resource and the Lambda by a `function` of the config; Switchyard manages no user
 * pools, so a pool is given by `userPoolArn` (and its app clients by `userPoolClientIds`), and a
 * Lambda may be given by `functionArn` too (held to the team's namespace like any other reference).
 */
import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { eventLogicalId, logicalId, pascalCase, physicalName } from "../../compiler/naming.js";
import { arnOf, getAtt, ref, sub } from "../../compiler/template.js";
import type { ConfigChecks } from "../../config/checks.js";
import type { ConfigPath } from "../../config/problem.js";
import { strictObject } from "../../config/schema/strict.js";

const USER_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+_[0-9A-Za-z]+)$/;
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const IdentitySources = z.array(z.string().regex(/^\$(request|context|stageVariables)\./)).max(10);

export const AuthorizerSchema = z.discriminatedUnion(
  "type",
  [
    strictObject({
      type: z.literal("cognito"),
      properties: strictObject({
        userPoolName: z.string().optional(),
        userPoolArn: z
          .string()
          .regex(
            USER_POOL_ARN,
            "A Cognito user pool ARN: arn:aws:cognito-idp:<region>:<account>:userpool/<id>.",
          )
          .optional(),
        userPoolClientIds: z.array(z.string().min(1)).min(1).optional(),
        identitySources: IdentitySources.optional(),
      }),
    }),
    strictObject({
      type: z.literal("lambda"),
      properties: strictObject({
        functionName: z.string().optional(),
        functionArn: z.string().regex(FUNCTION_ARN, "A Lambda function ARN.").optional(),
        iamResponse: z.boolean().optional(),
        identitySources: IdentitySources.optional(),
        cacheResultSeconds: z.number().int().min(0).max(3600).optional(),
      }),
    }),
  ],
  {
    error: (issue) =>
      issue.code === "invalid_union"
        ? "Unsupported authorizer. Supported types: cognito, lambda."
        : undefined,
  },
);

export type Authorizer = z.infer<typeof AuthorizerSchema>;

export const AUTHORIZER_CLOUDFORMATION_TYPES = ["AWS::ApiGatewayV2::Authorizer", "AWS::Lambda::Permission"];

/** Exactly one way to name the pool or the function; a named function must be one of the config's. */
export function checkAuthorizer(
  authorizer: Authorizer | undefined,
  path: ConfigPath,
  checks: ConfigChecks,
): void {
  if (!authorizer) return;
  const at = [...path, "authorizer", "properties"];
  if (authorizer.type === "cognito") {
    const { userPoolName, userPoolArn, userPoolClientIds } = authorizer.properties;
    if (userPoolName !== undefined) {
      checks.report(
        [...at, "userPoolName"],
        "Switchyard manages no user-auth-pool resources, so a pool cannot be named: give its ARN (userPoolArn) and the app client IDs its tokens are issued to (userPoolClientIds).",
      );
    } else if (userPoolArn === undefined) {
      checks.report(at, "A cognito authorizer needs userPoolArn (and userPoolClientIds).");
    } else if (userPoolClientIds === undefined) {
      checks.report(
        [...at, "userPoolClientIds"],
        "A cognito authorizer needs the app client IDs its tokens are issued to (the JWT audience).",
      );
    }
    return;
  }
  const { functionName, functionArn } = authorizer.properties;
  if ((functionName === undefined) === (functionArn === undefined)) {
    checks.report(at, "A lambda authorizer needs exactly one of functionName and functionArn.");
  } else if (functionName !== undefined) {
    checks.expectType([...at, "functionName"], functionName, "function", "functionName");
  }
}

interface Protected {
  /** The route's owner (function or workload) and its event index, for logical IDs. */
  owner: string;
  index: number;
  api: string;
  method: string;
  path: string;
  authorizer: Authorizer;
}

/**
 * Adds the route's authorizer (and, for a Lambda, API Gateway's permission to invoke it); returns
 * the properties that protect the route with it.
 */
export function compileAuthorizer(ctx: CompileContext, route: Protected): Record<string, unknown> {
  const { owner, index, api, authorizer } = route;
  const id = eventLogicalId(owner, index, "AWS::ApiGatewayV2::Authorizer");
  const apiId = ref(logicalId(api, "AWS::ApiGatewayV2::Api"));
  const name = physicalName(
    pascalCase(`${ctx.stack}-${owner}-${route.method}-${route.path}-${api}-Authorizer`),
    128,
  );
  if (authorizer.type === "cognito") {
    const [, region, poolId] = USER_POOL_ARN.exec(authorizer.properties.userPoolArn ?? "") ?? [];
    ctx.add(owner, id, {
      Type: "AWS::ApiGatewayV2::Authorizer",
      Properties: {
        ApiId: apiId,
        AuthorizerType: "JWT",
        Name: name,
        IdentitySource: authorizer.properties.identitySources ?? ["$request.header.Authorization"],
        JwtConfiguration: {
          Audience: authorizer.properties.userPoolClientIds ?? [],
          Issuer: `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
        },
      },
    });
    return { AuthorizationType: "JWT", AuthorizerId: ref(id) };
  }
  const props = authorizer.properties;
  const functionArn =
    props.functionArn ?? getAtt(logicalId(props.functionName!, "AWS::Lambda::Function"), "Arn");
  ctx.add(owner, id, {
    Type: "AWS::ApiGatewayV2::Authorizer",
    Properties: {
      ApiId: apiId,
      AuthorizerType: "REQUEST",
      Name: name,
      AuthorizerUri: sub(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Function}/invocations",
        { Function: functionArn },
      ),
      IdentitySource: props.identitySources ?? [],
      EnableSimpleResponses: props.iamResponse !== true,
      AuthorizerResultTtlInSeconds: props.cacheResultSeconds ?? 0,
      AuthorizerPayloadFormatVersion: "2.0",
    },
  });
  // API Gateway may invoke the function as this API's authorizers only.
  ctx.add(owner, logicalId(owner, "AWS::Lambda::Permission", `Event${index}Authorizer`), {
    Type: "AWS::Lambda::Permission",
    Properties: {
      Action: "lambda:InvokeFunction",
      FunctionName: functionArn,
      Principal: "apigateway.amazonaws.com",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
      SourceArn: arnOf("execute-api", "${Api}/authorizers/${Authorizer}", {
        Api: apiId,
        Authorizer: ref(id),
      }),
    },
  });
  return { AuthorizationType: "CUSTOM", AuthorizerId: ref(id) };
}
