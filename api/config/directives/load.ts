import { dict, hasOwn, own } from "../../prototype-safe.js";
import { CONFIG_LIMITS, limitMessages } from "../limits.js";
import type { ConfigPath } from "../problem.js";
import { didYouMean } from "../suggest.js";
import { DIRECTIVE_NAMES, DIRECTIVES } from "./catalog.js";
import { type DirectiveArg, type DirectiveCall, looksLikeDirective, parseDirective } from "./syntax.js";

export interface DirectiveUse {
  path: ConfigPath;
  call: DirectiveCall;
}

export interface LoadResolution {
  value: unknown;
  problems: { path: ConfigPath; message: string }[];
  /** Every directive left for later (stage or runtime), with where it sits, for reference checks. */
  uses: DirectiveUse[];
}

/**
 * Checks the syntax and names of every directive and resolves the ones that need nothing but the
 * config ($Var, $This as whole values), so schemas see real values. Others stay as text for the compiler.
 */
export function resolveLoadDirectives(root: unknown): LoadResolution {
  const problems: LoadResolution["problems"] = [];
  const uses: DirectiveUse[] = [];
  const rootObject = (root ?? {}) as Record<string, unknown>;
  // $Var/$This copy what they name: a variable used many times, naming variables used many times,
  // multiplies. The copy is held to the same count of values as the parsed text.
  let values = 0;
  let overBudget = false;

  const visit = (value: unknown, path: ConfigPath, depth: number): unknown => {
    if (overBudget) return undefined;
    if (++values > CONFIG_LIMITS.values) {
      overBudget = true;
      problems.push({ path, message: limitMessages.values() });
      return undefined;
    }
    if (typeof value === "string") {
      if (!looksLikeDirective(value)) return value;
      const parsed = parseDirective(value);
      if (!parsed.ok) {
        problems.push({ path, message: parsed.message });
        return value;
      }
      const error = checkCall(parsed.call);
      if (error) {
        problems.push({ path, message: error });
        return value;
      }
      const { call } = parsed;
      if (call.name === "Var" || call.name === "This") {
        const source = call.name === "Var" ? own(rootObject, "variables") : rootObject;
        const found = lookup(source, call.path);
        if (!found.ok) {
          const what = call.name === "Var" ? "variables" : "the config";
          problems.push({
            path,
            message: `$${call.name}(): "${call.path.join(".")}" is not defined in ${what}.`,
          });
          return value;
        }
        if (depth > 8) {
          problems.push({ path, message: `$${call.name}() references nest too deep (a cycle?).` });
          return value;
        }
        return visit(found.value, path, depth + 1);
      }
      uses.push({ path, call });
      return value;
    }
    if (path.length > CONFIG_LIMITS.nesting) {
      problems.push({ path: path.slice(0, CONFIG_LIMITS.nesting), message: limitMessages.nesting() });
      return undefined;
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i], depth));
    if (value && typeof value === "object") {
      const out = dict();
      for (const [k, v] of Object.entries(value)) out[k] = visit(v, [...path, k], depth);
      return out;
    }
    return value;
  };

  return { value: visit(root, [], 0), problems, uses };
}

/** Name, arity and rejection checks for a call and its nested calls; a message when invalid. */
export function checkCall(call: DirectiveCall): string | undefined {
  const spec = own(DIRECTIVES, call.name);
  if (!spec) {
    return `Unknown directive $${call.name}().${didYouMean(call.name, DIRECTIVE_NAMES)} Known directives: ${DIRECTIVE_NAMES.map((n) => `$${n}`).join(", ")}.`;
  }
  if (spec.kind === "rejected") {
    return `$${call.name}() reads the caller's machine (files, git, CLI arguments), which a control plane cannot see. Put the value in the config or in variables instead.`;
  }
  const [min, max] = spec.arity;
  if (call.args.length < min || call.args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    return `$${call.name}() takes ${expected} argument(s), got ${call.args.length}.`;
  }
  if (call.path.length > 0 && !spec.path) return `$${call.name}() cannot be followed by a property path.`;
  if ((call.name === "Format" || call.name === "CfFormat") && typeof call.args[0] === "string") {
    const placeholders = call.args[0].split("{}").length - 1;
    if (placeholders !== call.args.length - 1) {
      return `$${call.name}(): the template has ${placeholders} {} placeholder(s) but ${call.args.length - 1} value(s) follow.`;
    }
  }
  for (const arg of call.args) {
    if (isCall(arg)) {
      const nested = checkCall(arg);
      if (nested) return nested;
    }
  }
  return undefined;
}

export const isCall = (arg: DirectiveArg): arg is DirectiveCall =>
  typeof arg === "object" && arg !== null && arg.kind === "directive";

function lookup(source: unknown, path: string[]): { ok: true; value: unknown } | { ok: false } {
  let current = source;
  for (const key of path) {
    if (current === null || typeof current !== "object" || !hasOwn(current, key)) return { ok: false };
    current = (current as Record<string, unknown>)[key];
  }
  return current === undefined ? { ok: false } : { ok: true, value: current };
}
