import { z } from "@hono/zod-openapi";
import { NAME_LIMITS, resourcePhysicalName } from "../../compiler/naming.js";
import { allow, getAtt } from "../../compiler/template.js";
import { envVarName } from "../../config/params.js";
import { resourceSchema } from "../../config/schema/common.js";
import { strictObject } from "../../config/schema/strict.js";
import type { ResourceDefinition } from "../definition.js";
import { archiveId, busId } from "./names.js";
import { checkRulesPerBus } from "./rule-quota.js";
import { compileEventSample, EventSampleSchema } from "./sample.js";
import { busTrigger } from "./trigger.js";

export const EventBusSchema = resourceSchema(
  "event-bus",
  strictObject({
    eventSourceName: z
      .string()
      .regex(
        /^aws\.partner(\/[.\-_A-Za-z0-9]+){2,}$/,
        "A partner event source name looks like aws.partner/<domain>/<id>/<name>.",
      )
      .optional(),
    archivation: strictObject({
      enabled: z.boolean(),
      retentionDays: z.number().int().min(1).optional(),
    }).optional(),
    /** Switchyard's extension (./sample.ts): a catch-all sample of the bus for routing previews on AWS. */
    switchyardEventSample: EventSampleSchema.optional(),
  }).optional(),
);

export type EventBusResource = z.infer<typeof EventBusSchema>;

/**
 * event-bus → AWS::Events::EventBus (+ AWS::Events::Archive when archivation is enabled). It is the
 * source of the event-bus trigger (./trigger.ts): each trigger on it is one rule, within
 * EventBridge's rules per bus (./rule-quota.ts).
 */
export const eventBus: ResourceDefinition<EventBusResource> = {
  type: "event-bus",
  schema: EventBusSchema,
  triggers: [],
  trigger: busTrigger,
  cloudformationTypes: [
    "AWS::Events::EventBus",
    "AWS::Events::Archive",
    "AWS::Events::Rule",
    "AWS::Logs::LogGroup",
  ],

  paramNames: (resource) => (resource.properties?.archivation?.enabled ? ["arn", "archiveArn"] : ["arn"]),

  checkConfig: checkRulesPerBus,

  compile(name, resource, ctx) {
    const props = resource.properties ?? {};
    // A partner bus must be named exactly after its partner event source.
    const busName = props.eventSourceName ?? resourcePhysicalName(ctx.stack, name, NAME_LIMITS.bus);
    ctx.add(name, busId(name), {
      Type: "AWS::Events::EventBus",
      Properties: {
        Name: busName,
        ...(props.eventSourceName ? { EventSourceName: props.eventSourceName } : {}),
      },
    });
    if (props.archivation?.enabled) {
      ctx.add(name, archiveId(name), {
        Type: "AWS::Events::Archive",
        Properties: {
          ArchiveName: resourcePhysicalName(ctx.stack, name, NAME_LIMITS.archive),
          SourceArn: getAtt(busId(name), "Arn"),
          // Absent retention keeps events forever (CloudFormation's 0).
          RetentionDays: props.archivation.retentionDays ?? 0,
        },
      });
    }
    if (props.switchyardEventSample?.enabled)
      compileEventSample(ctx, name, busName, props.switchyardEventSample);
  },

  params: busParams,

  connect(name, resource) {
    const params = busParams(name, resource);
    return {
      statements: [allow(["events:PutEvents"], [params.arn])],
      environment: Object.fromEntries(Object.entries(params).map(([p, v]) => [envVarName(name, p), v])),
    };
  },
};

function busParams(name: string, resource: EventBusResource): Record<string, unknown> {
  return {
    arn: getAtt(busId(name), "Arn"),
    ...(resource.properties?.archivation?.enabled ? { archiveArn: getAtt(archiveId(name), "Arn") } : {}),
  };
}
