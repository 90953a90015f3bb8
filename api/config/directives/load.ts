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
 *
 * The work is bounded by the count of values (each copy made by $Var/$This counts again), and the
 * problems by the text: a problem inside a copy is the problem of the value it copies, which the walk
 * reports where it is written, so copies report none of their own; a reference that nests too deep
 * is reported once, where it is written, and its copy stops there.
 */
export function resolveLoadDirectives(root: unknown): LoadResolution {
  const problems: LoadResolution["problems"] = [];
  const uses: DirectiveUse[] = [];
  const rootObject = (root ?? {}) as Record<string, unknown>;
  // $Var/$This copy what they name: a variable used many times, naming variables used many times,
  // multiplies. The copy is held to the same count of values as the parsed text.
  let values = 0;
  let stopped = false;
  let tooDeep = false;
  // One path, pushed and popped on the way; copied only into a problem or a use.
  const path: (string | number)[] = [];
  // Where the reference being copied is written (depth 0), and the references whose copy was cut.
  let site = "";
  const cut = new Set<string>();

  const report = (message: string, at: ConfigPath = [...path]) => problems.push({ path: at, message });

  const visit = (value: unknown, depth: number): unknown => {
    if (stopped || (depth > 0 && cut.has(site))) return undefined;
    if (++values > CONFIG_LIMITS.values) {
      stopped = true;
      report(limitMessages.values());
      return undefined;
    }
    if (typeof value === "string") return visitString(value, depth);
    if (value === null || typeof value !== "object") return value;
    if (path.length > CONFIG_LIMITS.nesting) {
      // Only a copy can nest deeper than the text: reported once, at the first place it does.
      if (!tooDeep) report(limitMessages.nesting(), path.slice(0, CONFIG_LIMITS.nesting));
      tooDeep = true;
      return undefined;
    }
    if (Array.isArray(value)) {
      const list: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        list[i] = visit(value[i], depth);
        path.pop();
      }
      return list;
    }
    const out = dict();
    for (const [k, v] of Object.entries(value)) {
      path.push(k);
      out[k] = visit(v, depth);
      path.pop();
    }
    return out;
  };

  // Copies repeat the same strings: each is parsed and checked once.
  const checked = new Map<string, { call: DirectiveCall } | { error: string }>();
  const check = (value: string) => {
    let result = checked.get(value);
    if (!result) {
      const parsed = parseDirective(value);
      const error = parsed.ok ? checkCall(parsed.call) : parsed.message;
      result = error !== undefined ? { error } : { call: (parsed as { call: DirectiveCall }).call };
      checked.set(value, result);
    }
    return result;
  };

  const visitString = (value: string, depth: number): unknown => {
    if (!looksLikeDirective(value)) return value;
    // Problems of the text are reported where it is written (depth 0), not in each copy of it.
    const copy = depth > 0;
    const result = check(value);
    if ("error" in result) {
      if (!copy) report(result.error);
      return value;
    }
    const { call } = result;
    if (call.name !== "Var" && call.name !== "This") {
      uses.push({ path: [...path], call });
      return value;
    }
    const source = call.name === "Var" ? own(rootObject, "variables") : rootObject;
    const found = lookup(source, call.path);
    if (!found.ok) {
      const what = call.name === "Var" ? "variables" : "the config";
      if (!copy) report(`$${call.name}(): "${call.path.join(".")}" is not defined in ${what}.`);
      return value;
    }
    if (!copy) site = formatSite(path);
    if (depth > 8) {
      // Once per reference as written: its copy stops here.
      if (!cut.has(site)) report(`$${call.name}() references nest too deep (a cycle?).`, parseSite(site));
      cut.add(site);
      return value;
    }
    return visit(found.value, depth + 1);
  };

  return { value: visit(root, 0), problems, uses };
}

/** A path as a Set key, and back: JSON keeps numbers (list indexes) apart from keys. */
const formatSite = (path: readonly (string | number)[]) => JSON.stringify(path);
const parseSite = (site: string): ConfigPath => JSON.parse(site);

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
