import { envVarName } from "../config/params.js";
import type { ConfigPath } from "../config/problem.js";
import { SHARE_REF } from "../config/share-ref.js";
import { dict } from "../prototype-safe.js";
import type { CompileContext, ConnectGrant } from "./context.js";
import { resolveDirectives } from "./directives.js";
import { sharedBusArn } from "./shared-buses.js";
import { allow, type IamStatement } from "./template.js";

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
  for (const [i, target] of (props.connectTo ?? []).entries()) {
    const grant = SHARE_REF.test(target)
      ? connectShared(ctx, target, [...path, "connectTo", i])
      : ctx.connect(target);
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

/**
 * connectTo a bus another team shared with the team to publish (`<team>:<project>/<stage>/<bus>`):
 * PutEvents on it, and its ARN in `STP_<TEAM>_<PROJECT>_<STAGE>_<BUS>_ARN`.
 */
function connectShared(ctx: CompileContext, ref: string, path: ConfigPath): ConnectGrant | undefined {
  const arn = sharedBusArn(ctx, ref, path, "publish");
  if (arn === undefined) return undefined;
  return {
    statements: [allow(["events:PutEvents"], [arn])],
    environment: { [envVarName(ref, "arn")]: arn },
  };
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
