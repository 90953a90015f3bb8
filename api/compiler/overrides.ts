import { nestedPropertiesProblem, overridePathProblem } from "../config/override-paths.js";
import { dict, own } from "../prototype-safe.js";
import type { CompileContext } from "./context.js";
import { resolveDirectives } from "./directives.js";

/**
 * Applies `overrides` last: keys are child logical IDs of the resource, inner keys dot paths relative
 * to `Properties`; an object value over an existing object deep-merges (Stacktape's resolveOverrides).
 * Paths naming a prototype are refused when loading; versions stored before that are refused here.
 */
export function applyOverrides(ctx: CompileContext): void {
  for (const [name, resource] of Object.entries(ctx.config.resources)) {
    for (const [childId, changes] of Object.entries(resource.overrides ?? {})) {
      const path = ["resources", name, "overrides", childId];
      const child = own(ctx.resources, childId);
      if (!child || ctx.owners.get(childId) !== name) {
        const valid = [...ctx.owners].filter(([, owner]) => owner === name).map(([id]) => id);
        ctx.error(
          path,
          `Cloudformation resource "${childId}" is not a valid child resource of stacktape resource ${name}. Valid child resources are: ${valid.join(", ") || "(none)"}.`,
        );
        continue;
      }
      child.Properties ??= {};
      for (const [dotted, value] of Object.entries(changes)) {
        const refused = overridePathProblem(dotted) ?? nestedPropertiesProblem(dotted);
        if (refused) {
          ctx.error([...path, dotted], refused);
          continue;
        }
        setPath(child.Properties, dotted.split("."), resolveDirectives(value, [...path, dotted], ctx));
      }
    }
  }
}

/** Sets `keys` under `target`, creating objects on the way; own properties only. */
function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  keys.slice(0, -1).forEach((key, i) => {
    let next = own(node, key);
    // Arrays are walked too: "Targets.0.Arn"; a missing one is made for an index, as lodash's
    // `set` (Stacktape's) makes it: "Tags.0.Key" on a resource without Tags gives a list.
    if (typeof next !== "object" || next === null) {
      next = /^\d+$/.test(keys[i + 1]!) ? [] : dict();
      node[key] = next;
    }
    node = next as Record<string, unknown>;
  });
  const last = keys[keys.length - 1]!;
  const current = own(node, last);
  node[last] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = Object.assign(dict(), base);
  for (const [k, v] of Object.entries(extra)) {
    const current = own(out, k);
    out[k] = isPlainObject(v) && isPlainObject(current) ? deepMerge(current, v) : v;
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
