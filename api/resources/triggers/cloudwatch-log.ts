import { z } from "@hono/zod-openapi";
import { resolveDirectives } from "../../compiler/directives.js";
import { eventLogicalId } from "../../compiler/naming.js";
import { sub } from "../../compiler/template.js";
import { strictObject } from "../../config/schema/strict.js";
import type { LambdaTrigger } from "./lambda-trigger.js";

const CloudwatchLogTriggerSchema = strictObject({
  type: z.literal("cloudwatch-log"),
  properties: strictObject({
    logGroupArn: z.string(),
    filter: z.string().max(1024).optional(),
  }),
});

/**
 * The cloudwatch-log trigger: a subscription filter on a log group (by ARN) delivering to the
 * function, and the permission for CloudWatch Logs to invoke it, as Stacktape compiles it. The
 * log group's name is the ARN's seventh `:` field, taken at deploy time (the ARN may be a directive).
 */
export const cloudwatchLogTrigger: LambdaTrigger<typeof CloudwatchLogTriggerSchema> = {
  type: "cloudwatch-log",
  schema: CloudwatchLogTriggerSchema,
  external: true,
  cloudformationTypes: ["AWS::Logs::SubscriptionFilter", "AWS::Lambda::Permission"],
  check(props, path, checks) {
    if (
      !props.logGroupArn.startsWith("$") &&
      !/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[^:]+(:\*)?$/.test(props.logGroupArn)
    )
      checks.report(
        [...path, "logGroupArn"],
        `"${props.logGroupArn}" is not a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>).`,
      );
  },
  compile(ctx, target, index, props, path) {
    const arn = resolveDirectives(props.logGroupArn, [...path, "logGroupArn"], ctx);
    const permissionId = eventLogicalId(target.name, index, "AWS::Lambda::Permission");
    ctx.add(target.name, permissionId, {
      Type: "AWS::Lambda::Permission",
      Properties: {
        Action: "lambda:InvokeFunction",
        FunctionName: target.arn,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not a JS template.
        Principal: sub("logs.${AWS::Region}.amazonaws.com"),
        SourceArn: arn,
      },
    });
    ctx.add(target.name, eventLogicalId(target.name, index, "AWS::Logs::SubscriptionFilter"), {
      Type: "AWS::Logs::SubscriptionFilter",
      DependsOn: [permissionId],
      Properties: {
        LogGroupName: { "Fn::Select": [6, { "Fn::Split": [":", arn] }] },
        FilterPattern: props.filter ?? "",
        DestinationArn: target.arn,
      },
    });
    return [];
  },
};
