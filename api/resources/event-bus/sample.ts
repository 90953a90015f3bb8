import { z } from "@hono/zod-openapi";
import type { CompileContext } from "../../compiler/context.js";
import { logicalId, NAME_LIMITS, resourcePhysicalName } from "../../compiler/naming.js";
import { arnOf, policyDocument, ref } from "../../compiler/template.js";
import { strictObject } from "../../config/schema/strict.js";
import { CATCH_ALL_PATTERN, eventSampleLogGroup } from "../../eventbridge/event-sample.js";
import { RetentionDaysSchema } from "../logging.js";
import { busId } from "./names.js";

/**
 * `switchyardEventSample`, Switchyard's extension of the event-bus (Stacktape has no such property,
 * and the prefix keeps it from meeting one Stacktape adds): every event the bus receives is also
 * written to a CloudWatch Logs group, kept `retentionDays` (default 7), so that previews on AWS
 * evaluate changed rules against recent events (api/aws/event-sample.ts reads them).
 */
export const EventSampleSchema = strictObject({
  enabled: z.boolean(),
  retentionDays: RetentionDaysSchema.optional(),
});

export type EventSample = z.infer<typeof EventSampleSchema>;

const DEFAULT_RETENTION_DAYS = 7;

export const sampleRuleId = (bus: string) => logicalId(bus, "AWS::Events::Rule", "EventSample");
export const sampleLogGroupId = (bus: string) => logicalId(bus, "AWS::Logs::LogGroup", "EventSample");

/**
 * The sample: a log group `/aws/events/<bus>` whose own resource policy lets EventBridge write to it
 * for this one rule only (no account-wide CloudWatch Logs resource policy, of which a region holds
 * 10), and a rule on the bus that matches every event and targets the group.
 */
export function compileEventSample(ctx: CompileContext, name: string, busName: string, sample: EventSample) {
  const logGroupName = eventSampleLogGroup(busName);
  const ruleName = resourcePhysicalName(ctx.stack, `${name}-event-sample`, NAME_LIMITS.rule);
  ctx.add(name, sampleLogGroupId(name), {
    Type: "AWS::Logs::LogGroup",
    Properties: {
      LogGroupName: logGroupName,
      RetentionInDays: sample.retentionDays ?? DEFAULT_RETENTION_DAYS,
      ResourcePolicyDocument: policyDocument([
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          // Named, not referenced: a resource's properties cannot refer to the resource itself.
          Resource: [arnOf("logs", `log-group:${logGroupName}:*`)],
          // The rule's ARN is built from its name, as GetAtt would make the group and rule a cycle.
          Condition: { ArnEquals: { "aws:SourceArn": arnOf("events", `rule/${busName}/${ruleName}`) } },
        },
      ]),
    },
  });
  ctx.add(name, sampleRuleId(name), {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: ruleName,
      Description: "Switchyard's event sample: every event of the bus, for previews' routing diffs.",
      EventBusName: ref(busId(name)),
      EventPattern: CATCH_ALL_PATTERN,
      State: "ENABLED",
      // EventBridge takes a log group's ARN without the `:*` that GetAtt's Arn ends with.
      Targets: [
        {
          Id: "event-sample",
          Arn: arnOf("logs", `log-group:\${LogGroup}`, { LogGroup: ref(sampleLogGroupId(name)) }),
        },
      ],
    },
  });
}
