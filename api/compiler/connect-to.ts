import type { ConfigPath } from "../config/problem.js";
import { dict } from "../prototype-safe.js";
import type { CompileContext } from "./context.js";
import { resolveDirectives } from "./directives.js";
import type { IamStatement } from "./template.js";

export interface WorkloadAccess {
  statements: IamStatement[];
  /** STP_* variables injected for each connected resource. */
  environment: Record<string, unknown>;
  /** The user's `iamRoleStatements`, directives resolved; they add to connectTo, never narrow it. */
  customStatements: unknown[];
}

/** Everything a workload's `connectTo` and `iamRoleStatements` give its role and environment. */
export function workloadAccess(
  ctx: CompileContext,
  props: { connectTo?: string[]; iamRoleStatements?: unknown[] },
  path: ConfigPath,
): WorkloadAccess {
  const statements: IamStatement[] = [];
  const environment: Record<string, unknown> = {};
  for (const target of props.connectTo ?? []) {
    const grant = ctx.connect(target);
    if (!grant) continue;
    statements.push(...grant.statements);
    Object.assign(environment, grant.environment);
  }
  const customStatements = (props.iamRoleStatements ?? []).map((s, i) => {
    const statement = {
      Effect: "Allow",
      ...(resolveDirectives(s, [...path, "iamRoleStatements", i], ctx) as object),
    };
    // A problem the tenant check finds in it points at the config's statement.
    ctx.nodeOrigins.set(statement, [...path, "iamRoleStatements", i]);
    return statement;
  });
  return { statements, environment, customStatements };
}

/** `[{name, value}]` with directives resolved, as a name → value map (values as strings). */
export function environmentMap(
  ctx: CompileContext,
  entries: { name: string; value?: unknown }[] | undefined,
  path: ConfigPath,
): Record<string, unknown> {
  const out = dict();
  (entries ?? []).forEach((entry, i) => {
    const value = resolveDirectives(entry.value, [...path, i, "value"], ctx);
    out[entry.name] =
      typeof value === "string" ||
      (typeof value === "object" && value !== null && !Array.isArray(value) && isCfnValue(value))
        ? value
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
  });
  return out;
}

const isCfnValue = (value: object) =>
  Object.keys(value).length === 1 && /^(Ref|Fn::)/.test(Object.keys(value)[0]!);
