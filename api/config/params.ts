import type { Resource } from "./schema/resources.js";

/**
 * The referenceable params of a resource ($ResourceParam names and connectTo env vars). Known from
 * the config alone, so references are checked at load time; the compiler supplies their values.
 */
export function referenceableParamNames(resource: Resource): string[] {
  switch (resource.type) {
    case "event-bus":
      return resource.properties?.archivation?.enabled ? ["arn", "archiveArn"] : ["arn"];
    case "function":
      return ["arn", "name"];
    case "sqs-queue":
      return ["arn", "name", "url"];
    case "http-api-gateway":
      return ["id", "url"];
    case "batch-job":
      return ["jobDefinitionArn", "stateMachineArn"];
    case "multi-container-workload":
      return [];
  }
}

/** `STP_<SNAKE(resource)>_<SNAKE(param)>`, as Stacktape's injectedParameterEnvVarName. */
export function envVarName(resourceName: string, param: string): string {
  return `STP_${snake(resourceName)}_${snake(param)}`;
}

const snake = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
