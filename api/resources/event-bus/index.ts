import { logicalId, NAME_LIMITS, resourcePhysicalName } from "../../compiler/naming.js";
import type { ResourceCompiler } from "../../compiler/registry.js";
import { allow, getAtt } from "../../compiler/template.js";
import type { EventBusResource } from "../../config/index.js";
import { envVarName } from "../../config/index.js";

const busId = (name: string) => logicalId(name, "AWS::Events::EventBus");
const archiveId = (name: string) => logicalId(name, "AWS::Events::Archive");

/** event-bus → AWS::Events::EventBus (+ AWS::Events::Archive when archivation is enabled). */
export const eventBus: ResourceCompiler<EventBusResource> = {
  compile(name, resource, ctx) {
    const props = resource.properties ?? {};
    ctx.add(name, busId(name), {
      Type: "AWS::Events::EventBus",
      Properties: {
        // A partner bus must be named exactly after its partner event source.
        Name: props.eventSourceName ?? resourcePhysicalName(ctx.stack, name, NAME_LIMITS.bus),
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
