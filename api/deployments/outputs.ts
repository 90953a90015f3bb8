/**
 * Referenceable params (`arn`, `archiveArn`, ...) travel out of the stack as Outputs: each gets an
 * output key, and after a deployment the stack outputs map back to `{ resource: { param: value } }`.
 */
import { own } from "../prototype-safe.js";

export type OutputMap = Record<string, { resource: string; param: string }>;

export function paramsFromOutputs(
  outputMap: OutputMap,
  stackOutputs: Record<string, string>,
): Record<string, Record<string, string>> {
  // Resource and param names are the config's: collected in a Map, never looked up on an object.
  const byResource = new Map<string, [string, string][]>();
  for (const [key, { resource, param }] of Object.entries(outputMap)) {
    const value = own(stackOutputs, key);
    if (value === undefined) continue;
    byResource.set(resource, [...(byResource.get(resource) ?? []), [param, value]]);
  }
  return Object.fromEntries(
    [...byResource].map(([resource, params]) => [resource, Object.fromEntries(params)]),
  );
}
