/** API Gateway (HTTP APIs): recorded, as AWS would identify them. */
import { createHash } from "node:crypto";
import { type ResourceHandler, shortId } from "./handler.js";
import { recorded, recordedByType } from "./recorded.js";

export const API_GATEWAY_V2_HANDLERS: Record<string, ResourceHandler> = {
  "AWS::ApiGatewayV2::Api": recorded({
    identify: (name, ctx) => {
      const id = createHash("sha256").update(name).digest("hex").slice(0, 10);
      return {
        ref: id,
        attributes: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${ctx.region}.amazonaws.com` },
      };
    },
  }),
  "AWS::ApiGatewayV2::VpcLink": recorded({
    identify: (name) => ({
      ref: shortId(name).slice(0, 6),
      attributes: { VpcLinkId: shortId(name).slice(0, 6) },
    }),
  }),
  // Stages, routes and integrations are recorded generically: nothing reads their ids locally.
  "AWS::ApiGatewayV2::Stage": recordedByType("AWS::ApiGatewayV2::Stage"),
  "AWS::ApiGatewayV2::Route": recordedByType("AWS::ApiGatewayV2::Route"),
  "AWS::ApiGatewayV2::Integration": recordedByType("AWS::ApiGatewayV2::Integration"),
  "AWS::ApiGatewayV2::Authorizer": recorded({
    identify: (name) => ({
      ref: shortId(name).slice(0, 6),
      attributes: { AuthorizerId: shortId(name).slice(0, 6) },
    }),
  }),
  "AWS::ApiGatewayV2::DomainName": recorded({
    nameProperty: "DomainName",
    maxName: 253,
    identify: (name, ctx) => ({
      ref: name,
      attributes: {
        RegionalDomainName: `d-${shortId(name).slice(0, 10)}.execute-api.${ctx.region}.amazonaws.com`,
        RegionalHostedZoneId: "Z0000000000000",
      },
    }),
  }),
  "AWS::ApiGatewayV2::ApiMapping": recordedByType("AWS::ApiGatewayV2::ApiMapping"),
};
