import { logicalId, NAME_LIMITS, resourcePhysicalName } from "../compiler/naming.js";
import type { ResourceCompiler } from "../compiler/registry.js";
import { getAtt, ref } from "../compiler/template.js";
import type { HttpApiGatewayResource } from "../config/index.js";

export const httpApiId = (name: string) => logicalId(name, "AWS::ApiGatewayV2::Api");

/** http-api-gateway → an HTTP API and its auto-deployed `$default` stage; routes come from the functions. */
export const httpApiGateway: ResourceCompiler<HttpApiGatewayResource> = {
  compile(name, resource, ctx) {
    const cors = resource.properties?.cors;
    ctx.add(name, httpApiId(name), {
      Type: "AWS::ApiGatewayV2::Api",
      Properties: {
        Name: resourcePhysicalName(ctx.stack, name, NAME_LIMITS.api),
        ProtocolType: "HTTP",
        ...(cors?.enabled
          ? {
              CorsConfiguration: {
                AllowOrigins: cors.allowedOrigins ?? ["*"],
                AllowMethods: cors.allowedMethods ?? ["*"],
                AllowHeaders: cors.allowedHeaders ?? ["*"],
              },
            }
          : {}),
      },
    });
    ctx.add(name, logicalId(name, "AWS::ApiGatewayV2::Stage", "Default"), {
      Type: "AWS::ApiGatewayV2::Stage",
      Properties: { ApiId: ref(httpApiId(name)), StageName: "$default", AutoDeploy: true },
    });
  },
  params: (name) => ({ id: ref(httpApiId(name)), url: getAtt(httpApiId(name), "ApiEndpoint") }),
};
