import type { CompileContext } from "./context.js";
import { resolveDirectives } from "./directives.js";

/**
 * Applies `overrides` last: keys are child logical IDs of the resource, inner keys dot paths relative
 * to `Properties`; an object value over an existing object deep-merges (Stacktape's resolveOverrides).
 */
export function applyOverrides(ctx: CompileContext): void {
  for (const [name, resource] of Object.entries(ctx.config.resources)) {
    for (const [childId, changes] of Object.entries(resource.overrides ?? {})) {
      const path = ["resources", name, "overrides", childId];
      const child = ctx.resources[childId];
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
        setPath(child.Properties, dotted.split("."), resolveDirectives(value, [...path, dotted], ctx));
      }
    }
  }
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  node[last] = isPlainObject(value) && isPlainObject(node[last]) ? deepMerge(node[last], value) : value;
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra))
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k], v) : v;
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
