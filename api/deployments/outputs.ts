/**
 * Referenceable params (`arn`, `archiveArn`, ...) travel out of the stack as Outputs: each gets an
 * output key, and after a deployment the stack outputs map back to `{ resource: { param: value } }`.
 */
import { hasOwn, own } from "../prototype-safe.js";
import type { Template } from "./port.js";

export type OutputMap = Record<string, { resource: string; param: string }>;

/** CloudFormation allows 200 outputs per template. */
export const MAX_OUTPUTS = 200;

const alnum = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** The template with one Output per referenceable param, and which output is which. */
export function withParamOutputs(
  template: Template,
  referenceableParams: Record<string, Record<string, unknown>>,
): { template: Template; outputMap: OutputMap; dropped: string[] } {
  // Output keys are alphanumeric (`alnum`): plain objects, which deployers compare with stored ones.
  const outputs = { ...(template.Outputs ?? {}) };
  const outputMap: OutputMap = {};
  const dropped: string[] = [];
  for (const [resource, params] of Object.entries(referenceableParams)) {
    for (const [param, value] of Object.entries(params)) {
      if (value === undefined) continue;
      let key = `Stp${alnum(resource)}${alnum(param)}`.slice(0, 250);
      for (let n = 2; hasOwn(outputs, key); n++) key = `${key.slice(0, 245)}${n}`;
      if (Object.keys(outputs).length >= MAX_OUTPUTS) {
        dropped.push(`${resource}.${param}`);
        continue;
      }
      outputs[key] = { Value: value, Description: `${resource} ${param}` };
      outputMap[key] = { resource, param };
    }
  }
  return { template: { ...template, Outputs: outputs }, outputMap, dropped };
}

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
