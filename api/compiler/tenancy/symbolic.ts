/**
 * CloudFormation values as the text they become at deploy time, as far as a template can tell:
 * intrinsics are evaluated into strings in which what is only known later stands as a marker.
 *
 *   OWN      a name, ARN or attribute of a resource of this template (its own name is checked where
 *            it is set, so whatever derives from it lies in the stack)
 *   REGION, ACCOUNT, PARTITION   the pseudo parameters, when the scope does not know them
 *   UNKNOWN  anything else (a template Parameter, Fn::ImportValue, Fn::Select, a dynamic reference,
 *            an attribute of a custom resource): it could name anything
 *
 * `Fn::If` yields both branches, so a value is a list of alternatives, each checked. Markers are
 * private-use characters; a literal that holds one is UNKNOWN itself, so no text can pose as a marker.
 */
import { hasOwn } from "../../prototype-safe.js";

export const OWN = "\uE001";
export const REGION = "\uE002";
export const ACCOUNT = "\uE003";
export const PARTITION = "\uE004";
export const UNKNOWN = "\uE000";

const MARKERS = /[\uE000-\uE00F]/;
/** Alternatives beyond this (nested Fn::If) are not enumerated: the value is UNKNOWN. */
const MAX_ALTERNATIVES = 32;

export interface EvaluationContext {
  /** Logical IDs of the template's resources and their types. */
  resources: Readonly<Record<string, { Type: string }>>;
  /** Template Parameters the platform fills (code locations, network): known harmless, never names. */
  platformParameters?: ReadonlySet<string>;
  stack: string;
  region?: string;
  account?: string;
  partition?: string;
}

/** Resource types whose attributes are whatever their code returns. */
const OPAQUE_TYPES = /^(Custom::|AWS::CloudFormation::)/;

/**
 * The alternatives a value can take as text, or undefined when it is not text at all (an object
 * that is no intrinsic, a list): the caller walks into those.
 */
export function evaluate(value: unknown, ctx: EvaluationContext): string[] | undefined {
  if (typeof value === "string") return [literal(value)];
  if (typeof value === "number" || typeof value === "boolean") return [String(value)];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  const arg = (value as Record<string, unknown>)[key];
  if (key === "Ref") return typeof arg === "string" ? [ref(arg, ctx)] : [UNKNOWN];
  if (key === "Fn::GetAtt") return [getAtt(arg, ctx)];
  if (key === "Fn::Sub") return cap(substitute(arg, ctx));
  if (key === "Fn::Join") return cap(join(arg, ctx));
  if (key === "Fn::If") {
    if (!Array.isArray(arg) || arg.length !== 3) return [UNKNOWN];
    return cap([...(evaluate(arg[1], ctx) ?? [UNKNOWN]), ...(evaluate(arg[2], ctx) ?? [UNKNOWN])]);
  }
  if (key.startsWith("Fn::") || key === "Condition") return [UNKNOWN];
  return undefined;
}

/** Dynamic references (`{{resolve:ssm:...}}`) are filled in by CloudFormation: they could be anything. */
const literal = (text: string) => (MARKERS.test(text) || text.includes("{{resolve:") ? UNKNOWN : text);

const cap = (alternatives: string[]) =>
  alternatives.length > MAX_ALTERNATIVES ? [UNKNOWN] : [...new Set(alternatives)];

function ref(name: string, ctx: EvaluationContext): string {
  switch (name) {
    case "AWS::StackName":
      return ctx.stack;
    case "AWS::Region":
      return ctx.region ?? REGION;
    case "AWS::AccountId":
      return ctx.account ?? ACCOUNT;
    case "AWS::Partition":
      return ctx.partition ?? PARTITION;
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::StackId":
      return OWN;
    case "AWS::NoValue":
      return "";
  }
  if (hasOwn(ctx.resources, name)) return OPAQUE_TYPES.test(ctx.resources[name]!.Type) ? UNKNOWN : OWN;
  return ctx.platformParameters?.has(name) ? OWN : UNKNOWN;
}

function getAtt(arg: unknown, ctx: EvaluationContext): string {
  const target = typeof arg === "string" ? arg.split(".")[0] : Array.isArray(arg) ? arg[0] : undefined;
  if (typeof target !== "string" || !hasOwn(ctx.resources, target)) return UNKNOWN;
  return OPAQUE_TYPES.test(ctx.resources[target]!.Type) ? UNKNOWN : OWN;
}

function substitute(arg: unknown, ctx: EvaluationContext): string[] {
  const [text, variables] = Array.isArray(arg) ? arg : [arg, undefined];
  if (typeof text !== "string") return [UNKNOWN];
  if (MARKERS.test(text)) return [UNKNOWN];
  const vars =
    typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : {};
  let alternatives = [""];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const before = text.slice(last, match.index);
    last = match.index + match[0].length;
    const name = match[1]!;
    // `${!Literal}` is the text `${Literal}`.
    const parts = name.startsWith("!")
      ? [`\${${name.slice(1)}}`]
      : hasOwn(vars, name)
        ? (evaluate(vars[name], ctx) ?? [UNKNOWN])
        : name.includes(".")
          ? [getAtt(name, ctx)]
          : [ref(name, ctx)];
    alternatives = alternatives.flatMap((a) => parts.map((p) => `${a}${before}${p}`));
    if (alternatives.length > MAX_ALTERNATIVES) return [UNKNOWN];
  }
  return alternatives.map((a) => `${a}${text.slice(last)}`);
}

function join(arg: unknown, ctx: EvaluationContext): string[] {
  if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string" || !Array.isArray(arg[1]))
    return [UNKNOWN];
  const [separator, items] = arg as [string, unknown[]];
  let alternatives = [""];
  items.forEach((item, i) => {
    const parts = evaluate(item, ctx) ?? [UNKNOWN];
    alternatives = alternatives.flatMap((a) => parts.map((p) => (i === 0 ? p : `${a}${separator}${p}`)));
    if (alternatives.length > MAX_ALTERNATIVES) alternatives = [UNKNOWN];
  });
  return alternatives;
}

/** Readable form of an evaluated value for messages. */
export function display(value: string): string {
  return value
    .replaceAll(OWN, "<this stack's>")
    .replaceAll(REGION, `\${AWS::Region}`)
    .replaceAll(ACCOUNT, `\${AWS::AccountId}`)
    .replaceAll(PARTITION, `\${AWS::Partition}`)
    .replaceAll(UNKNOWN, "<unresolved>");
}
