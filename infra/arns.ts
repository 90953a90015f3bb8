/** ARN patterns of the resources Switchyard makes, all under the stack prefix where AWS names allow. */
import { Aws } from "aws-cdk-lib";

const base = (service: string, region = Aws.REGION) =>
  `arn:${Aws.PARTITION}:${service}:${region}:${Aws.ACCOUNT_ID}`;

export function switchyardArns(prefix: string) {
  const p = `${prefix}*`;
  return {
    stacks: `${base("cloudformation")}:stack/${p}/*`,
    /** What every one of our stack ids starts with (stack/<prefix><project>-<stage>/<uuid>). */
    stackArnPrefix: `${base("cloudformation")}:stack/${prefix}`,
    /** Change sets are named by the deployer and always belong to one of our stacks (checked on the stack). */
    changeSets: `${base("cloudformation")}:changeSet/*/*`,
    buses: `${base("events")}:event-bus/${p}`,
    /** Rules on our buses and on the default bus (rule/<bus>/<rule>, rule/<rule>), by our prefix. */
    rules: `${base("events")}:rule/${p}`,
    /** Our rules on a bus Switchyard did not make (a subscription by `eventBusArn`). */
    rulesOnOtherBuses: `${base("events")}:rule/*/${p}`,
    archives: `${base("events")}:archive/${p}`,
    connections: `${base("events")}:connection/${p}`,
    apiDestinations: `${base("events")}:api-destination/${p}`,
    /** The secret EventBridge keeps a connection's credential in: `events!connection/<name>-<id>`. */
    connectionSecrets: `${base("secretsmanager")}:secret:events!connection/${p}`,
    alarms: `${base("cloudwatch")}:alarm:${p}`,
    /** CloudFront is global and its ARNs carry ids, not names: scoped to the account. */
    cloudfront: ["distribution/*", "cache-policy/*", "origin-request-policy/*"].map(
      (path) => `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:${path}`,
    ),
    topics: `${base("sns")}:${p}`,
    deliveryStreams: `${base("firehose")}:deliverystream/${p}`,
    /** Gradual deployments: the stack's CodeDeploy application and its functions' deployment groups. */
    codeDeployApplications: `${base("codedeploy")}:application:${p}`,
    codeDeployGroups: `${base("codedeploy")}:deploymentgroup:${p}/*`,
    /** AWS's own Lambda deployment configs (`CodeDeployDefault.Lambda<strategy>`), only read. */
    codeDeployConfigs: `${base("codedeploy")}:deploymentconfig:CodeDeployDefault.*`,
    /**
     * Enhanced fan-out consumers of kinesis-stream triggers: `stream/<stream>/consumer/<name>:<time>`.
     * Streams are not Switchyard's; a consumer is registered on one (authorized on the stream).
     */
    streamConsumers: `${base("kinesis")}:stream/*/consumer/${p}`,
    streams: `${base("kinesis")}:stream/*`,
    /**
     * Secrets a template's dynamic references name (`$Secret`): CloudFormation resolves them with the
     * stack's role, so a team's role reads only secrets named in its namespace.
     */
    secrets: `${base("secretsmanager")}:secret:${p}`,
    /** The same for `$SsmParam`: parameters named with the prefix (`/sy-...` is `parameter/sy-...`). */
    parameters: `${base("ssm")}:parameter/${p}`,
    /** CloudFormation names them `<stack>-<logical id>-<suffix>`, so they start with the stack's name. */
    buckets: `arn:${Aws.PARTITION}:s3:::${p}`,
    /** Replay names are chosen per request; a replay can only read our archives (checked on StartReplay). */
    replays: `${base("events")}:replay/*`,
    functions: `${base("lambda")}:function:${p}`,
    /** Event source mappings are known by generated ids only. */
    eventSourceMappings: `${base("lambda")}:event-source-mapping:*`,
    /** Layers a function names are only read (GetLayerVersion), from whichever account shares them. */
    layers: `arn:${Aws.PARTITION}:lambda:*:*:layer:*`,
    queues: `${base("sqs")}:${p}`,
    stateMachines: `${base("states")}:stateMachine:${p}`,
    computeEnvironments: `${base("batch")}:compute-environment/${p}`,
    jobQueues: `${base("batch")}:job-queue/${p}`,
    jobDefinitions: `${base("batch")}:job-definition/${p}`,
    roles: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${p}`,
    instanceProfiles: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/${p}`,
    /** Roles AWS creates once per account for Batch, ECS and ECS service auto scaling. */
    serviceLinkedRoles: [
      "batch.amazonaws.com/AWSServiceRoleForBatch",
      "ecs.amazonaws.com/AWSServiceRoleForECS",
      "ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
      "ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway",
    ].map((path) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${path}`),
    clusters: `${base("ecs")}:cluster/${p}`,
    /** service/<cluster>/<service>: our services live in our clusters. */
    ecsServices: `${base("ecs")}:service/${p}/*`,
    /** Scalable targets, namespaces, Cloud Map services and hosted zones carry ids, not names. */
    scalableTargets: `${base("application-autoscaling")}:scalable-target/*`,
    namespaces: `${base("servicediscovery")}:namespace/*`,
    discoveryServices: `${base("servicediscovery")}:service/*`,
    hostedZones: `arn:${Aws.PARTITION}:route53:::hostedzone/*`,
    /** What CloudFormation polls after changing records. */
    dnsChanges: `arn:${Aws.PARTITION}:route53:::change/*`,
    logGroups: [
      `${base("logs")}:log-group:${p}`,
      `${base("logs")}:log-group:/aws/lambda/${p}`,
      `${base("logs")}:log-group:/aws/vendedlogs/${p}`,
      `${base("logs")}:log-group:/aws/events/${p}`,
    ],
    /** Buses' event samples (EventBridge writes each event of the bus there; previews read them). */
    eventSampleLogGroups: `${base("logs")}:log-group:/aws/events/${p}`,
    /**
     * API Gateway ARNs carry API ids, not names: HTTP APIs are scoped to the region; custom domain
     * names (and their API mappings, under them) by the host name the tenant check holds to the team.
     */
    httpApis: [
      "/apis",
      "/apis/*",
      "/vpclinks",
      "/vpclinks/*",
      "/domainnames",
      "/domainnames/*",
      "/tags/*",
    ].map((path) => `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::${path}`),
  };
}

export type SwitchyardArns = ReturnType<typeof switchyardArns>;
