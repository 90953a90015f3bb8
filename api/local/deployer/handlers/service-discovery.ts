/** Cloud Map: recorded, as AWS would identify them. */
import { arn, type ResourceHandler, shortId } from "./handler.js";
import { recorded } from "./recorded.js";

export const SERVICE_DISCOVERY_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::ServiceDiscovery::PrivateDnsNamespace": recorded({
    identify: (name, ctx) => {
      const id = `ns-${shortId(name)}`;
      return {
        ref: id,
        attributes: {
          Id: id,
          Arn: arn(ctx, "servicediscovery", `namespace/${id}`),
          HostedZoneId: `Z${shortId(`zone/${name}`).toUpperCase()}`,
        },
      };
    },
  }),
  "AWS::ServiceDiscovery::Service": recorded({
    identify: (name, ctx) => {
      const id = `srv-${shortId(name)}`;
      return {
        ref: id,
        attributes: { Id: id, Arn: arn(ctx, "servicediscovery", `service/${id}`), Name: name },
      };
    },
  }),
};
