/**
 * Authorizers on HTTP API routes (api/resources/concerns/authorizers.ts): compiled as Stacktape
 * compiles them, every refusal located, a Lambda given by ARN held to the team's namespace, and
 * the local engine deploying them under a team's scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiled, fixture, localWorld } from "../local-deployer/support.js";
import { outcome, scopeOf, TARGET } from "./support.js";

const scope = scopeOf("a");

const route = (authorizer: string) => `resources:
  api:
    type: http-api-gateway
  auth:
    type: function
    properties:
      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/auth.ts } }
  fn:
    type: function
    properties:
      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/fn.ts } }
      events:
        - type: http-api-gateway
          properties:
            httpApiGatewayName: api
            method: GET
            path: /x
            authorizer: ${authorizer}
`;
const AT = "resources.fn.properties.events.0.properties.authorizer.properties";

describe("authorizers", () => {
  it("protect routes with a JWT authorizer for a user pool and a REQUEST authorizer for a Lambda", () => {
    const { template } = outcome(fixture("authorizers"));
    const r = template!.Resources;
    expect(r.OrdersEvent0Route!.Properties).toMatchObject({
      AuthorizationType: "JWT",
      AuthorizerId: { Ref: "OrdersEvent0Authorizer" },
    });
    expect(r.OrdersEvent0Authorizer!.Properties).toMatchObject({
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: ["4abcdefghijklmnopqrstu1234"],
        Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
      },
    });
    expect(r.OrdersEvent1Route!.Properties).toMatchObject({ AuthorizationType: "CUSTOM" });
    expect(r.OrdersEvent1Authorizer!.Properties).toMatchObject({
      AuthorizerType: "REQUEST",
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerPayloadFormatVersion: "2.0",
    });
    // API Gateway may invoke the function as this API's authorizer only.
    expect(r.OrdersEvent1AuthorizerPermission!.Properties).toMatchObject({
      FunctionName: { "Fn::GetAtt": ["AuthorizeFunction", "Arn"] },
      Principal: "apigateway.amazonaws.com",
      SourceArn: {
        "Fn::Sub": [
          // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
          "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/authorizers/${Authorizer}",
          { Api: { Ref: "ApiApi" }, Authorizer: { Ref: "OrdersEvent1Authorizer" } },
        ],
      },
    });
    expect(r.WebEvent0Route!.Properties).toMatchObject({ AuthorizationType: "CUSTOM" });
    expect(r.WebEvent0Authorizer!.Properties).toMatchObject({ EnableSimpleResponses: false });
  });

  it("locate every refusal, with why", () => {
    expect(outcome(route("{ type: cognito, properties: { userPoolName: pool } }")).problems).toEqual([
      {
        path: `${AT}.userPoolName`,
        message: expect.stringContaining("Switchyard manages no user-auth-pool"),
      },
    ]);
    expect(
      outcome(
        route(
          "{ type: cognito, properties: { userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_X1' } }",
        ),
      ).problems,
    ).toEqual([{ path: `${AT}.userPoolClientIds`, message: expect.stringContaining("the JWT audience") }]);
    expect(outcome(route("{ type: lambda, properties: { functionName: autj } }")).problems).toEqual([
      {
        path: `${AT}.functionName`,
        message: 'functionName "autj" is not a resource in this config. Did you mean "auth"?',
      },
    ]);
    expect(
      outcome(
        route(
          "{ type: lambda, properties: { functionName: auth, functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:a--x' } }",
        ),
      ).problems,
    ).toEqual([
      { path: AT, message: "A lambda authorizer needs exactly one of functionName and functionArn." },
    ]);
    expect(outcome(route("{ type: iam }")).problems).toEqual([
      {
        path: "resources.fn.properties.events.0.properties.authorizer.type",
        message: "Unsupported authorizer. Supported types: cognito, lambda.",
      },
    ]);
  });

  it("hold a Lambda given by ARN to the team's namespace, in the authorizer and in the permission", () => {
    const target = { ...TARGET, stackName: "a--shop--dev", tenancy: scope };
    const other = outcome(
      route(
        "{ type: lambda, properties: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:b--pay-auth' } }",
      ),
      target,
    );
    expect(other.problems).toEqual([
      {
        path: "resources.fn",
        message: expect.stringMatching(/^AWS::ApiGatewayV2::Authorizer FnEvent0Authorizer: .*"b--pay-auth"/),
      },
      {
        path: "resources.fn",
        message: expect.stringMatching(
          /^AWS::Lambda::Permission FnEvent0AuthorizerPermission: .*"b--pay-auth"/,
        ),
      },
    ]);
    const own = outcome(
      route(
        "{ type: lambda, properties: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:a--auth' } }",
      ),
      target,
    );
    expect(own.problems).toEqual([]);
  });
});

describe("the local engine", () => {
  let world: Awaited<ReturnType<typeof localWorld>>;
  beforeAll(async () => {
    world = await localWorld();
  });
  afterAll(() => world.close());

  it("deploys routes with authorizers under the team's scope", async () => {
    const yaml = fixture("authorizers").replace(
      "arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-authorize",
      "arn:aws:lambda:us-east-1:000000000000:function:a--shop-dev-authorize",
    );
    const { template, parameters } = compiled(yaml, "a--shop");
    await world.deployer.start({
      stackName: "a--shop-dev",
      template,
      parameters,
      token: "auth-1",
      tenancy: { ...scope, account: "000000000000", region: "us-east-1" },
    });
    await world.deployer.idle();
    const status = await world.deployer.describe({ stackName: "a--shop-dev", token: "auth-1" });
    expect(status.reason).toBeUndefined();
    expect(status.stackStatus).toBe("CREATE_COMPLETE");
  });
});
