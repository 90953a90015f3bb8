/**
 * A template as the local engine walks it: parameters and pseudo parameters, conditions and the
 * order of the resources to apply (order.ts), other stacks' exports it imports, the exports and
 * outputs it publishes. Intrinsics are resolved by intrinsics.ts.
 */
import type { Template } from "../../deployments/port.js";
import type { Logger } from "../../http/logger.js";
import { own } from "../../prototype-safe.js";
import {
  evaluateConditions,
  importArguments,
  type ResolveContext,
  resolve,
  TemplateError,
} from "./intrinsics.js";
import { creationOrder } from "./order.js";
import { reasonOf } from "./reasons.js";
import { ExportTakenError, type LocalStack, type LocalStackStore } from "./stack-store.js";

/** Where a stack is applied: its pseudo parameters' region and account. */
export interface StackScope {
  region: string;
  account: string;
}

/** Parameters, conditions and the order of the resources to create. */
export function prepareTemplate(
  stack: LocalStack,
  template: Template,
  parameters: Record<string, string>,
  scope: StackScope,
): { order: string[]; ctx: ResolveContext } {
  const params: Record<string, unknown> = {
    "AWS::Region": scope.region,
    "AWS::AccountId": scope.account,
    "AWS::StackName": stack.stackName,
    "AWS::StackId": stack.stackId,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
  };
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(template.Parameters ?? {})) {
    const raw = parameters[name] ?? (decl.Default === undefined ? undefined : String(decl.Default));
    if (raw === undefined) {
      missing.push(name);
      continue;
    }
    params[name] =
      decl.Type.startsWith("List<") || decl.Type === "CommaDelimitedList"
        ? raw.split(",").filter(Boolean)
        : raw;
  }
  if (missing.length > 0) throw new TemplateError(`Parameters: [${missing.join(", ")}] must have values`);
  const base = {
    params,
    region: scope.region,
    mappings: template.Mappings as ResolveContext["mappings"],
    ref: (id: string) => {
      const r = own(stack.resources, id);
      if (!r)
        throw new TemplateError(
          `Template format error: Unresolved resource dependencies [${id}] in the Resources block of the template`,
        );
      return r.ref;
    },
    getAtt: (id: string, attribute: string) => {
      const r = own(stack.resources, id);
      if (!r)
        throw new TemplateError(
          `Template format error: Unresolved resource dependencies [${id}] in the Resources block of the template`,
        );
      const value = own(r.attributes, attribute);
      if (value === undefined)
        throw new TemplateError(
          `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
        );
      return value;
    },
  };
  const conditions = evaluateConditions(template.Conditions, base);
  const order = creationOrder(template, (id) => {
    const cond = own(template.Resources, id)?.Condition;
    return cond === undefined || conditions[cond] === true;
  });
  return { order, ctx: { ...base, conditions } };
}

/** Fn::ImportValue reads other stacks' exports, fetched once before the resources are applied. */
export async function loadImports(
  template: Template,
  ctx: ResolveContext,
  store: LocalStackStore,
): Promise<void> {
  const args = importArguments([template.Resources, template.Outputs ?? {}]);
  if (args.length === 0) return;
  const names = args.map((a) => String(resolve(a, ctx)));
  const found = await store.exports(names);
  ctx.importValue = (name) => {
    const value = found[name];
    if (value === undefined) throw new TemplateError(`No export named ${name} found`);
    return value;
  };
}

/** Like CloudFormation, refuse an export name another stack owns before changing anything. */
export async function checkExports(
  stack: LocalStack,
  template: Template,
  ctx: ResolveContext,
  store: LocalStackStore,
): Promise<void> {
  const names: string[] = [];
  for (const output of Object.values(template.Outputs ?? {})) {
    const exportName = (output.Export as { Name?: unknown } | undefined)?.Name;
    if (exportName === undefined) continue;
    try {
      names.push(String(resolve(exportName, ctx)));
    } catch {
      // A name built from resource attributes is checked when it is published.
    }
  }
  const owners = await store.exportOwners(names);
  for (const [name, owner] of Object.entries(owners)) {
    if (owner !== stack.stackName) throw new ExportTakenError(name, owner);
  }
}

/** Outputs with `Export` become exports other stacks can import; ones no longer exported go. */
export async function publishExports(
  stack: LocalStack,
  template: Template,
  ctx: ResolveContext,
  store: LocalStackStore,
): Promise<void> {
  const now: string[] = [];
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    const exportName = (output.Export as { Name?: unknown } | undefined)?.Name;
    const value = stack.outputs[key];
    if (exportName === undefined || value === undefined) continue;
    const name = String(resolve(exportName, ctx));
    await store.putExport(name, value, stack.stackName);
    now.push(name);
  }
  for (const name of stack.exports ?? []) {
    if (!now.includes(name)) await store.deleteExport(name, stack.stackName);
  }
  stack.exports = now;
}

/** Each output resolved on its own: one that cannot resolve locally is left out, not fatal. */
export function outputsOf(template: Template, ctx: ResolveContext, log?: Logger): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    const cond = (output as { Condition?: string }).Condition;
    if (cond && !ctx.conditions[cond]) continue;
    try {
      const value = resolve(output.Value, ctx);
      if (value !== undefined) out[key] = Array.isArray(value) ? value.join(",") : String(value);
    } catch (err) {
      log?.warn("local deployer left out an output", { output: key, error: reasonOf(err) });
    }
  }
  return out;
}
