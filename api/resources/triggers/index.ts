import { eventLogicalId } from "../../compiler/naming.js";
import { arnOf, ref } from "../../compiler/template.js";
import { busTrigger, checkBusTrigger, compileBusTrigger } from "../event-bus/trigger.js";
import { checkRoute, compileRoute, httpApiId, routeTrigger } from "../http-api-gateway.js";
import { cloudwatchLogTrigger } from "./cloudwatch-log.js";
import { dynamoTrigger, kafkaTrigger, kinesisTrigger, sqsTrigger } from "./event-source-mapping.js";
import type { LambdaTrigger } from "./lambda-trigger.js";
import { alarmTrigger, loadBalancerTrigger, s3Trigger } from "./refused.js";
import { scheduleTrigger } from "./schedule.js";
import { snsTrigger } from "./sns.js";

/**
 * The triggers a function takes (Stacktape's integrations), each one module here, and those a batch
 * job takes through its trigger function (api/resources/batch-job.ts).
 */

/** The event-bus trigger on a function: a rule invoking it (event-bus/trigger.ts). */
export const lambdaBusTrigger: LambdaTrigger<typeof busTrigger.schema> = {
  ...busTrigger,
  check: checkBusTrigger,
  compile(ctx, target, index, props, path) {
    compileBusTrigger(ctx, target.name, index, props, path, {
      kind: "lambda",
      arn: target.arn,
      functionLogicalId: target.functionLogicalId,
    });
    return [];
  },
};

/** The http-api-gateway trigger on a function: a route (AWS_PROXY) and API Gateway's permission. */
export const lambdaRouteTrigger: LambdaTrigger<typeof routeTrigger.schema> = {
  ...routeTrigger,
  check: checkRoute,
  compile(ctx, target, index, event) {
    compileRoute(ctx, target.name, index, event, {
      IntegrationType: "AWS_PROXY",
      IntegrationUri: target.arn,
      PayloadFormatVersion: event.payloadFormat ?? "2.0",
    });
    const method = event.method === "*" ? "ANY" : event.method;
    const sourcePath =
      event.path === "$default"
        ? "*/$default"
        : `*/${event.method === "*" ? "*" : method}${event.path.replace(/\{[^}]+\}/g, "*")}`;
    ctx.add(target.name, eventLogicalId(target.name, index, "AWS::Lambda::Permission"), {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: target.arn,
        Principal: "apigateway.amazonaws.com",
        SourceArn: arnOf("execute-api", `\${Api}/${sourcePath}`, {
          Api: ref(httpApiId(event.httpApiGatewayName)),
        }),
      },
    });
    return [];
  },
};

/** The triggers of functions besides event-bus and http-api-gateway, in Stacktape's order. */
export const LAMBDA_TRIGGERS = [
  scheduleTrigger,
  sqsTrigger,
  snsTrigger,
  kinesisTrigger,
  dynamoTrigger,
  kafkaTrigger,
  cloudwatchLogTrigger,
  s3Trigger,
  loadBalancerTrigger,
  alarmTrigger,
] as const;
