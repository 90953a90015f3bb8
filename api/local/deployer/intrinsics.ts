/**
 * CloudFormation intrinsic functions, resolved the way CloudFormation resolves them while applying a
 * template: Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If and the condition
 * functions, Fn::FindInMap, Fn::Base64, Fn::GetAZs, pseudo parameters and AWS::NoValue. Names in a
 * template are a tenant's text: every lookup by one reads own properties only.
 */
import { dict, hasOwn, own } from "../../prototype-safe.js";

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

export interface ResolveContext {
  /** Values of template parameters and pseudo parameters (AWS::Region, AWS::StackName, ...). */
  params: Record<string, unknown>;
  /** `Ref` of a resource: its physical ID (or what the type returns for Ref). */
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  conditions: Record<string, boolean>;
  mappings?: Record<string, Record<string, Record<string, unknown>>>;
  region: string;
  /** Fn::ImportValue: another stack's export, by name. */
  importValue?(name: string): unknown;
}

/** Marker for AWS::NoValue: the property is removed, as if absent. */
const NO_VALUE = Symbol("AWS::NoValue");

export function resolve(value: unknown, ctx: ResolveContext): unknown {
  const out = resolveInner(value, ctx);
  return out === NO_VALUE ? undefined : out;
}

function resolveInner(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveInner(v, ctx)).filter((v) => v !== NO_VALUE);
  }
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  const first = entries[0];
  if (entries.length === 1 && first && isIntrinsic(first[0])) return resolveFn(first[0], first[1], ctx);
  // fromEntries defines own properties (a "__proto__" key stays a key) on an ordinary object, which
  // the deployer compares with stored properties.
  const out: [string, unknown][] = [];
  for (const [k, v] of entries) {
    const r = resolveInner(v, ctx);
    if (r !== NO_VALUE) out.push([k, r]);
  }
  return Object.fromEntries(out);
}

function isIntrinsic(key: string): boolean {
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::");
}

function resolveFn(name: string, arg: unknown, ctx: ResolveContext): unknown {
  switch (name) {
    case "Ref":
      return ref(String(arg), ctx);
    case "Condition":
      return condition(String(arg), ctx);
    case "Fn::GetAtt": {
      const [logicalId, attribute] = Array.isArray(arg)
        ? [String(arg[0]), String(resolveInner(arg[1], ctx))]
        : splitOnce(String(arg), ".");
      return ctx.getAtt(logicalId, attribute);
    }
    case "Fn::Sub":
      return sub(arg, ctx);
    case "Fn::Join": {
      const [delimiter, list] = expectArray(name, arg, 2);
      const items = resolveInner(list, ctx);
      if (!Array.isArray(items)) throw new TemplateError("Fn::Join needs a list of values");
      return items.map(String).join(String(delimiter));
    }
    case "Fn::Select": {
      const [index, list] = expectArray(name, arg, 2);
      const items = resolveInner(list, ctx);
      const i = Number(resolveInner(index, ctx));
      if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
        throw new TemplateError(`Fn::Select index ${String(index)} is out of range`);
      }
      return items[i];
    }
    case "Fn::Split": {
      const [delimiter, source] = expectArray(name, arg, 2);
      return String(resolveInner(source, ctx)).split(String(delimiter));
    }
    case "Fn::If": {
      const [cond, whenTrue, whenFalse] = expectArray(name, arg, 3);
      const picked = condition(String(cond), ctx) ? whenTrue : whenFalse;
      return isNoValue(picked) ? NO_VALUE : resolveInner(picked, ctx);
    }
    case "Fn::Equals": {
      const [a, b] = expectArray(name, arg, 2);
      return JSON.stringify(resolveInner(a, ctx)) === JSON.stringify(resolveInner(b, ctx));
    }
    case "Fn::Not":
      return !truthy(expectArray(name, arg, 1)[0], ctx);
    case "Fn::And":
      return (arg as unknown[]).every((c) => truthy(c, ctx));
    case "Fn::Or":
      return (arg as unknown[]).some((c) => truthy(c, ctx));
    case "Fn::FindInMap": {
      const [map, top, second] = expectArray(name, arg, 3).map((v) => String(resolveInner(v, ctx)));
      const found = own(own(own(ctx.mappings, map as string), top as string), second as string);
      if (found === undefined) throw new TemplateError(`Fn::FindInMap: no ${map}.${top}.${second}`);
      return found;
    }
    case "Fn::Base64":
      return Buffer.from(String(resolveInner(arg, ctx))).toString("base64");
    case "Fn::ImportValue": {
      const name = String(resolveInner(arg, ctx));
      if (!ctx.importValue) throw new TemplateError(`No export named ${name} found`);
      return ctx.importValue(name);
    }
    case "Fn::GetAZs":
      return ["a", "b", "c"].map((z) => `${ctx.region}${z}`);
    default:
      throw new TemplateError(`${name} is not supported by the local deployer`);
  }
}

function isNoValue(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as { Ref?: unknown }).Ref === "AWS::NoValue";
}

function ref(name: string, ctx: ResolveContext): unknown {
  if (name === "AWS::NoValue") return NO_VALUE;
  if (hasOwn(ctx.params, name)) return ctx.params[name];
  return ctx.ref(name);
}

function condition(name: string, ctx: ResolveContext): boolean {
  if (!(name in ctx.conditions)) throw new TemplateError(`Unknown condition ${name}`);
  return ctx.conditions[name] as boolean;
}

function truthy(value: unknown, ctx: ResolveContext): boolean {
  return resolveInner(value, ctx) === true;
}

function expectArray(name: string, arg: unknown, length: number): unknown[] {
  if (!Array.isArray(arg) || arg.length < length) {
    throw new TemplateError(`${name} needs a list of ${length} values`);
  }
  return arg;
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  if (i < 0) throw new TemplateError(`Fn::GetAtt needs "LogicalId.Attribute", got "${s}"`);
  return [s.slice(0, i), s.slice(i + 1)];
}

/** `${Name}`, `${Logical.Attr}` and `${!Literal}` in Fn::Sub strings. */
const SUB_VARIABLE = /\$\{([^}]+)\}/g;

function sub(arg: unknown, ctx: ResolveContext): string {
  const [text, vars] = Array.isArray(arg)
    ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>]
    : [String(arg), {}];
  return text.replace(SUB_VARIABLE, (_m, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    if (hasOwn(vars, name)) return String(resolveInner(vars[name], ctx));
    if (name.includes(".") && !name.startsWith("AWS::")) {
      const [logicalId, attribute] = splitOnce(name, ".");
      return String(ctx.getAtt(logicalId, attribute));
    }
    return String(ref(name, ctx));
  });
}

/** Logical IDs a value refers to (Ref, GetAtt, Sub variables), for dependency ordering. */
export function referencedIds(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, into);
    return into;
  }
  if (value === null || typeof value !== "object") return into;
  for (const [k, v] of Object.entries(value)) {
    if (k === "Ref" && typeof v === "string") {
      if (!v.startsWith("AWS::")) into.add(v);
    } else if (k === "Fn::GetAtt") into.add(Array.isArray(v) ? String(v[0]) : String(v).split(".")[0]!);
    else if (k === "Fn::Sub") {
      const [text, vars] = Array.isArray(v)
        ? [String(v[0]), (v[1] ?? {}) as Record<string, unknown>]
        : [String(v), {}];
      for (const m of text.matchAll(SUB_VARIABLE)) {
        const name = m[1]!;
        if (name.startsWith("!") || name.startsWith("AWS::") || hasOwn(vars, name)) continue;
        into.add(name.split(".")[0]!);
      }
      referencedIds(vars, into);
    } else referencedIds(v, into);
  }
  return into;
}

/** Evaluates the template's Conditions section against parameter values. */
export function evaluateConditions(
  conditions: Record<string, unknown> | undefined,
  ctx: Omit<ResolveContext, "conditions">,
): Record<string, boolean> {
  // No prototype: `name in results` below and in condition() sees declared conditions only.
  const results = dict<boolean>();
  const pending = new Set(Object.keys(conditions ?? {}));
  const evaluating = new Set<string>();
  const full: ResolveContext = {
    ...ctx,
    conditions: new Proxy(results, {
      has: (_t, name: string) => pending.has(name) || name in results,
      get: (_t, name: string) => evaluate(name),
    }),
  };
  const evaluate = (name: string): boolean => {
    if (name in results) return results[name] as boolean;
    if (evaluating.has(name)) throw new TemplateError(`Condition ${name} refers to itself`);
    evaluating.add(name);
    results[name] = resolveInner(own(conditions, name), full) === true;
    pending.delete(name);
    return results[name] as boolean;
  };
  for (const name of Object.keys(conditions ?? {})) evaluate(name);
  return results;
}

/** The arguments of every Fn::ImportValue in a value (unresolved). */
export function importArguments(value: unknown, into: unknown[] = []): unknown[] {
  if (Array.isArray(value)) {
    for (const v of value) importArguments(v, into);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "Fn::ImportValue") into.push(v);
      else importArguments(v, into);
    }
  }
  return into;
}
