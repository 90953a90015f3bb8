import { isCall } from "../config/directives/load.js";
import {
  type DirectiveArg,
  type DirectiveCall,
  looksLikeDirective,
  parseDirective,
} from "../config/directives/syntax.js";
import type { ConfigPath } from "../config/problem.js";
import { dict, own } from "../prototype-safe.js";
import type { CompileContext } from "./context.js";
import { pascalCase } from "./naming.js";
import { getAtt, importValue, isIntrinsic, join, ref, sub } from "./template.js";

/**
 * Resolves every directive left after loading: $Stage/$Region/$Format to strings, runtime directives
 * to intrinsics ($ResourceParam → the param's GetAtt/Ref, $CfFormat → Fn::Sub, $Secret/$SsmParam →
 * dynamic references, $CfStackOutput → Fn::ImportValue, legacy $Param → GetAtt of a child resource).
 */
export function resolveDirectives(value: unknown, path: ConfigPath, ctx: CompileContext): unknown {
  if (typeof value === "string") {
    if (!looksLikeDirective(value)) return value;
    const parsed = parseDirective(value);
    // Syntax was checked at load time; a failure here means the text was not a directive after all.
    return parsed.ok ? evaluate(parsed.call, path, ctx) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveDirectives(v, [...path, i], ctx));
  if (value && typeof value === "object" && !isIntrinsic(value)) {
    const out = dict();
    for (const [k, v] of Object.entries(value)) out[k] = resolveDirectives(v, [...path, k], ctx);
    return out;
  }
  return value;
}

function evaluate(call: DirectiveCall, path: ConfigPath, ctx: CompileContext): unknown {
  const args = call.args.map((a) => argValue(a, path, ctx));
  const text = (i: number) => (typeof args[i] === "string" ? (args[i] as string) : String(args[i]));
  switch (call.name) {
    case "Var":
      return dig(ctx.config.variables, call.path);
    case "This":
      return dig(ctx.config, call.path);
    case "Stage":
      return ctx.target.stage;
    case "Region":
      return ctx.region();
    case "Format":
      return format(text(0), args.slice(1));
    case "CfFormat": {
      const variables: Record<string, unknown> = {};
      let n = 0;
      const template = text(0)
        .replaceAll("${", "${!")
        .replace(/\{\}/g, () => {
          variables[`P${n}`] = args[n + 1];
          return `\${P${n++}}`;
        });
      return sub(template, variables);
    }
    case "ResourceParam": {
      const value = own(ctx.params(text(0)), text(1));
      if (value === undefined)
        ctx.error(path, `$ResourceParam(): "${text(1)}" is not a param of "${text(0)}".`);
      return value ?? "";
    }
    case "CfResourceParam":
      ctx.logicalIdReferences.push({ path, logicalId: text(0), directive: "$CfResourceParam" });
      return text(1) === "Ref" ? ref(text(0)) : getAtt(text(0), text(1));
    case "Param": {
      // Legacy `$Param('<resource>', '<ChildType>::<Attribute>')`: the attribute of the resource's child.
      const [childType, attribute] = text(1).split("::") as [string, string];
      const logicalId = pascalCase(text(0)) + childType;
      ctx.logicalIdReferences.push({ path, logicalId, directive: "$Param" });
      return getAtt(logicalId, attribute);
    }
    case "Secret": {
      const [name, ...key] = text(0).split(".");
      const reference =
        key.length > 0
          ? `{{resolve:secretsmanager:${name}:SecretString:${key.join(".")}}}`
          : `{{resolve:secretsmanager:${name}}}`;
      // The tenant check (secrets outside the team's namespace) points here.
      ctx.dynamicReferenceOrigins.set(reference, path);
      return reference;
    }
    case "SsmParam": {
      const reference = `{{resolve:ssm:${text(0)}}}`;
      ctx.dynamicReferenceOrigins.set(reference, path);
      return reference;
    }
    case "CfStackOutput":
      // Stacks export outputs as `<stack>-<output>` (stackConfig.outputs with export: true).
      return importValue(`${text(0)}-${text(1)}`);
    default:
      ctx.error(path, `Unknown directive $${call.name}().`);
      return "";
  }
}

function argValue(arg: DirectiveArg, path: ConfigPath, ctx: CompileContext): unknown {
  return isCall(arg) ? evaluate(arg, path, ctx) : arg;
}

function format(template: string, values: unknown[]): unknown {
  const parts = template.split("{}");
  const pieces: unknown[] = [];
  parts.forEach((part, i) => {
    if (part) pieces.push(part);
    if (i < values.length) pieces.push(values[i]);
  });
  if (pieces.every((p) => !isIntrinsic(p) && typeof p !== "object")) return pieces.map(String).join("");
  return join("", pieces);
}

function dig(source: unknown, path: string[]): unknown {
  let current = source;
  for (const key of path)
    current = typeof current === "object" ? own(current as Record<string, unknown>, key) : undefined;
  return current;
}
