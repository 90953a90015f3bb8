import type { ConfigChecks, Offers, PathProblem, ResourceChecks } from "./checks.js";
import type { DirectiveUse } from "./directives/load.js";
import { isCall } from "./directives/load.js";
import type { ConfigPath } from "./problem.js";
import type { ConfigBase, ResourceBase } from "./schema/root.js";
import { SHARE_REF } from "./share-ref.js";
import { didYouMean } from "./suggest.js";

/** A resource type as the checks see it: its own rules, and whether connectTo may name it. */
export type CheckedType = ResourceChecks & { readonly connect?: unknown };

/**
 * Rules that span resources: connectTo, then each type's own (its references and triggers), then
 * directive references, then rules over the whole config (quotas). `others` are the resources the
 * config has that failed their own schema (name → the type they say): they are checked no further,
 * but a reference to one is not "missing", so one problem never shows as two.
 */
export function checkReferences(
  config: ConfigBase,
  uses: DirectiveUse[],
  typeOf: (resource: ResourceBase) => CheckedType,
  types: readonly CheckedType[],
  others: ReadonlyMap<string, string> = new Map(),
): PathProblem[] {
  const problems: PathProblem[] = [];
  const names = [...Object.keys(config.resources), ...others.keys()];
  const typeNamed = (name: string): string | undefined => config.resources[name]?.type ?? others.get(name);

  const expectAmong = (path: ConfigPath, name: string, role: string, accepted: readonly string[]) => {
    const target = typeNamed(name) === undefined ? undefined : { type: typeNamed(name)! };
    if (!target) {
      const candidates = names.filter((n) => accepted.includes(typeNamed(n)!));
      problems.push({
        path,
        message: `${role} "${name}" is not a resource in this config.${didYouMean(name, candidates)}`,
      });
    } else if (!accepted.includes(target.type)) {
      problems.push({
        path,
        message: `${role} "${name}" is ${article(target.type)}, not ${accepted.map(article).join(" or ")}.`,
      });
    }
  };
  const offering = (offer: keyof Offers) => types.filter((t) => t.offers?.[offer]).map((t) => t.type);
  const checks: ConfigChecks = {
    config,
    report: (path, message) => problems.push({ path, message }),
    expectType: (path, name, type, role) => expectAmong(path, name, role, [type]),
    expectOffer: (path, name, offer, role) => expectAmong(path, name, role, offering(offer)),
  };

  for (const [name, resource] of Object.entries(config.resources)) {
    const connectTo = (resource.properties as { connectTo?: string[] } | undefined)?.connectTo;
    connectTo?.forEach((target, i) => {
      const path = ["resources", name, "properties", "connectTo", i];
      // A bus another team shared with the team: whether it holds the share is the compiler's to say.
      if (SHARE_REF.test(target)) return;
      const found = config.resources[target];
      if (!found && others.has(target)) {
        const type = types.find((t) => t.type === others.get(target));
        if (type && !type.connect)
          checks.report(path, `Resource type "${type.type}" cannot be scoped by connectTo.`);
      } else if (!found) {
        checks.report(
          path,
          `connectTo "${target}" is not a resource in this config.${didYouMean(target, names)}`,
        );
      } else if (!typeOf(found).connect) {
        checks.report(path, `Resource type "${found.type}" cannot be scoped by connectTo.`);
      } else if (target === name) {
        checks.report(path, "A resource cannot connectTo itself.");
      }
    });
    typeOf(resource).check?.(name, resource, checks);
    for (const concern of typeOf(resource).concerns ?? []) concern.check?.(name, resource, checks);
  }

  const paramNames = (resource: ResourceBase) => typeOf(resource).paramNames(resource);
  for (const use of uses) problems.push(...checkDirectiveReferences(config, use, paramNames, others));
  for (const type of types) type.checkConfig?.(config, checks);
  return problems;
}

function checkDirectiveReferences(
  config: ConfigBase,
  use: DirectiveUse,
  paramNamesOf: (resource: ResourceBase) => string[],
  others: ReadonlyMap<string, string>,
): PathProblem[] {
  const calls = [use.call];
  const problems: PathProblem[] = [];
  while (calls.length > 0) {
    const call = calls.pop()!;
    for (const arg of call.args) if (isCall(arg)) calls.push(arg);
    const [first, second] = call.args;
    if (typeof first !== "string") continue;
    if (call.name === "ResourceParam" || call.name === "Param") {
      const resource: ResourceBase | undefined = config.resources[first];
      // Its params depend on properties that did not load: nothing more to say about it.
      if (!resource && others.has(first)) continue;
      if (!resource) {
        problems.push({
          path: use.path,
          message: `$${call.name}(): "${first}" is not a resource in this config.${didYouMean(first, [...Object.keys(config.resources), ...others.keys()])}`,
        });
        continue;
      }
      if (call.name === "ResourceParam" && typeof second === "string") {
        const valid = paramNamesOf(resource);
        if (!valid.includes(second)) {
          problems.push({
            path: use.path,
            message: `$ResourceParam(): "${second}" is not a param of ${resource.type} "${first}"; valid params are: ${valid.join(", ") || "(none)"}.`,
          });
        }
      }
      if (
        call.name === "Param" &&
        typeof second === "string" &&
        !/^[A-Za-z0-9]+::[A-Za-z0-9.]+$/.test(second)
      ) {
        problems.push({
          path: use.path,
          message: `$Param(): "${second}" must look like '<ChildType>::<Attribute>', e.g. 'EventBus::Name'.`,
        });
      }
    }
    if (call.name === "CfResourceParam" && !/^[A-Za-z0-9]+$/.test(first)) {
      problems.push({
        path: use.path,
        message: `$CfResourceParam(): "${first}" is not a CloudFormation logical ID.`,
      });
    }
  }
  return problems;
}

/** "an event-bus", "a function". */
const article = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
