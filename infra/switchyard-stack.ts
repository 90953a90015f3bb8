/**
 * Switchyard on AWS: the store table, the API function behind an HTTP API, the reconcile function
 * fed by CloudFormation's stack events, the service role deployments hand to CloudFormation, the
 * bucket large templates go through, the bootstrap admin key and the alarms. Environment-agnostic:
 * synth needs no account, region or network.
 */
import { CfnOutput, Duration, Fn, Stack, type StackProps } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { CorsHttpMethod, HttpApi, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Match, Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction as LambdaTarget } from "aws-cdk-lib/aws-events-targets";
import { ManagedPolicy, PolicyDocument, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  type Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
} from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { TEMPLATE_BUCKET_ENV, TEMPLATE_KEY_PREFIX } from "../api/aws/template-store.js";
import { SwitchyardAlarms } from "./alarms.js";
import { switchyardArns } from "./arns.js";
import { LAMBDA_HANDLERS } from "./lambda-bundle.js";
import { lambdaCode } from "./lambda-code.js";
import { apiStatements, reconcileStatements, serviceRoleStatements, teamRolesArn } from "./permissions.js";
import type { Settings } from "./settings.js";
import { createStoreTable } from "./store-table.js";
import { createTeamRolePolicies, packed } from "./team-roles.js";
import { createTemplateBucket } from "./template-bucket.js";
import { createWorkloadBoundary } from "./workload-boundary.js";

export interface SwitchyardStackProps extends StackProps {
  settings: Settings;
  /** The Lambda code; defaults to bundling api/entry/lambda.ts at synth time. */
  code?: Code;
}

/** The event CloudFormation puts on the default bus when a stack changes status. */
export const STACK_STATUS_CHANGE = {
  source: "aws.cloudformation",
  detailType: "CloudFormation Stack Status Change",
} as const;

export class SwitchyardStack extends Stack {
  constructor(scope: Construct, id: string, props: SwitchyardStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const arns = switchyardArns(settings.stackPrefix);
    const code = props.code ?? lambdaCode();

    const table = createStoreTable(this, "Store");
    const templateBucket = createTemplateBucket(this, "TemplateBucket");

    const adminKey = new Secret(this, "AdminKey", {
      description: "Switchyard bootstrap platform-admin API key (Authorization: Bearer <value>).",
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });

    const boundary = createWorkloadBoundary(this, "WorkloadBoundary");
    const stackScope = {
      arns,
      artifactBuckets: settings.artifactBuckets,
      ...(settings.enforceWorkloadBoundary ? { boundaryArn: boundary.managedPolicyArn } : {}),
    };
    // Stacks named before team namespaces deploy under it; a team's stacks under the team's role.
    // Managed policies, packed as the team roles' are: what the resource types need outgrew IAM's
    // 10,240 characters of inline policy per role.
    const serviceRole = new Role(this, "CloudFormationServiceRole", {
      description: "Role Switchyard passes to CloudFormation to deploy its stacks.",
      assumedBy: new ServicePrincipal("cloudformation.amazonaws.com"),
      managedPolicies: packed(serviceRoleStatements(stackScope)).map(
        (statements, i) =>
          new ManagedPolicy(this, `SwitchyardStacksPolicy${i + 1}`, {
            description: `What Switchyard's CloudFormation service role may do (part ${i + 1}).`,
            document: new PolicyDocument({ statements }),
          }),
      ),
    });
    const teamRoles = createTeamRolePolicies(this, { ...stackScope, stackPrefix: settings.stackPrefix });

    const environment = {
      SWITCHYARD_TABLE_NAME: table.ref,
      SWITCHYARD_STACK_PREFIX: settings.stackPrefix,
      SWITCHYARD_CFN_ROLE_ARN: serviceRole.roleArn,
      // Deployments set it as PermissionsBoundary on every AWS::IAM::Role they deploy.
      SWITCHYARD_PERMISSIONS_BOUNDARY_ARN: boundary.managedPolicyArn,
      NODE_OPTIONS: "--enable-source-maps",
    };

    const apiLogs = this.logGroup("ApiLogs", settings);
    const api = this.function("Api", {
      code,
      handler: LAMBDA_HANDLERS.api,
      logGroup: apiLogs,
      // API Gateway gives up after 30 s; a request that outlives it helps nobody.
      timeout: Duration.seconds(29),
      environment: {
        ...environment,
        SWITCHYARD_ADMIN_KEY_SECRET_ARN: adminKey.secretArn,
        // Only the API deploys templates; reconcile reads stack status.
        [TEMPLATE_BUCKET_ENV]: templateBucket.bucketName,
        // Each team's service role is made by the API on the team's first stack operation.
        SWITCHYARD_TEAM_ROLE_POLICY_ARNS: Fn.join(
          ",",
          teamRoles.policies.map((p) => p.managedPolicyArn),
        ),
        SWITCHYARD_TEAM_ROLE_BOUNDARY_ARN: teamRoles.boundary.managedPolicyArn,
      },
      statements: apiStatements({
        arns,
        tableArn: table.attrArn,
        logGroupArn: apiLogs.logGroupArn,
        serviceRoleArn: serviceRole.roleArn,
        teamRoles: {
          rolesArn: teamRolesArn(settings.stackPrefix),
          policyArns: teamRoles.policies.map((p) => p.managedPolicyArn),
          boundaryArn: teamRoles.boundary.managedPolicyArn,
        },
        adminKeySecretArn: adminKey.secretArn,
        templateObjectsArn: templateBucket.arnForObjects(`${TEMPLATE_KEY_PREFIX}*`),
      }),
    });

    const reconcileLogs = this.logGroup("ReconcileLogs", settings);
    const reconcile = this.function("Reconcile", {
      code,
      handler: LAMBDA_HANDLERS.reconcile,
      logGroup: reconcileLogs,
      timeout: Duration.seconds(60),
      environment,
      statements: reconcileStatements({
        arns,
        tableArn: table.attrArn,
        logGroupArn: reconcileLogs.logGroupArn,
      }),
    });

    const reconcileDeadLetters = new Queue(this, "ReconcileDeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new Rule(this, "StackStatusChanges", {
      description: "CloudFormation status changes of Switchyard-deployed stacks → reconcile.",
      eventPattern: {
        source: [STACK_STATUS_CHANGE.source],
        detailType: [STACK_STATUS_CHANGE.detailType],
        // Only our stacks: their ARNs start with the prefix (stack/<prefix>...).
        resources: Match.prefix(arns.stackArnPrefix),
      },
      // Missed events are not fatal (reads of running deployments reconcile too), but retry, and
      // keep what still failed where the alarm below sees it.
      targets: [
        new LambdaTarget(reconcile, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: reconcileDeadLetters,
        }),
      ],
    });

    const httpApi = new HttpApi(this, "HttpApi", {
      description: "Switchyard control-plane API",
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration("ApiIntegration", api),
      corsPreflight:
        settings.portalOrigins.length > 0
          ? {
              allowOrigins: settings.portalOrigins,
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: ["authorization", "content-type", "idempotency-key", "if-match", "accept"],
              exposeHeaders: ["etag", "location", "x-request-id", "retry-after"],
              maxAge: Duration.hours(1),
            }
          : undefined,
    });
    const stage = new HttpStage(this, "DefaultStage", {
      httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      // One JSON line per request, including those the function never sees (throttled 429s,
      // integration failures).
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.logGroup("ApiAccessLogs", settings)),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            method: "$context.httpMethod",
            path: "$context.path",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    new SwitchyardAlarms(this, "Alarms", {
      api: httpApi,
      functions: { Api: api, Reconcile: reconcile },
      tableName: table.ref,
      deadLetters: reconcileDeadLetters,
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, "ApiUrl", { value: stage.url, description: "Base URL of the Switchyard API" });
    new CfnOutput(this, "AdminKeySecretArn", {
      value: adminKey.secretArn,
      description: "Secret holding the bootstrap admin key (aws secretsmanager get-secret-value)",
    });
    new CfnOutput(this, "TableName", { value: table.ref });
    new CfnOutput(this, "TemplateBucketName", { value: templateBucket.bucketName });
    new CfnOutput(this, "CloudFormationServiceRoleArn", { value: serviceRole.roleArn });
    new CfnOutput(this, "WorkloadBoundaryArn", { value: boundary.managedPolicyArn });
    new CfnOutput(this, "TeamStacksPolicyArns", {
      value: Fn.join(
        ",",
        teamRoles.policies.map((p) => p.managedPolicyArn),
      ),
    });
    new CfnOutput(this, "TeamRoleBoundaryArn", { value: teamRoles.boundary.managedPolicyArn });
  }

  private logGroup(id: string, settings: Settings): LogGroup {
    return new LogGroup(this, id, { retention: settings.logRetentionDays });
  }

  private function(
    id: string,
    options: {
      code: Code;
      handler: string;
      logGroup: LogGroup;
      timeout: Duration;
      environment: Record<string, string>;
      statements: ReturnType<typeof apiStatements>;
    },
  ): LambdaFunction {
    // Our own role: the default one would bring AWSLambdaBasicExecutionRole (logs on "*").
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      inlinePolicies: { [id]: new PolicyDocument({ statements: options.statements }) },
    });
    return new LambdaFunction(this, id, {
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      code: options.code,
      handler: options.handler,
      role,
      memorySize: 1024,
      timeout: options.timeout,
      environment: options.environment,
      logGroup: options.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
    });
  }
}
