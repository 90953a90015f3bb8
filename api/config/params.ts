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
