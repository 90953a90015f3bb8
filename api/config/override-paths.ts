import { RESERVED_KEYS } from "../prototype-safe.js";

/**
 * Why an `overrides` path (dot-separated, relative to Properties) is refused, or undefined when it
 * is fine: a segment naming a prototype (`__proto__`, `constructor`, `prototype`) is no
 * CloudFormation property, and on an ordinary object it would lead to Object.prototype.
 */
export function overridePathProblem(dotted: string): string | undefined {
  const reserved = dotted.split(".").find((segment) => RESERVED_KEYS.has(segment));
  if (reserved === undefined) return undefined;
  return `The override path "${dotted}" names "${reserved}", which is not a CloudFormation property; a path names properties under Properties, such as "Tags" or "RetryPolicy.MaximumRetryAttempts".`;
}

/**
 * Stacktape's JSDoc writes `Properties.StorageEncrypted`, which its CLI (lodash `set` under
 * Properties) and the compiler would nest as Properties.Properties, a template CloudFormation
 * refuses: refused when compiling, after the child's logical ID (as Stacktape checks that first).
 */
export function nestedPropertiesProblem(dotted: string): string | undefined {
  if (dotted !== "Properties" && !dotted.startsWith("Properties.")) return undefined;
  const rest = dotted.slice("Properties.".length) || "<property>";
  return `The override path "${dotted}" starts with Properties, but paths are already under Properties: write "${rest}".`;
}
