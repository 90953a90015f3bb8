/** What the concern tests (alarms, authorizers, CDN, log forwarding) share: a target, a team's scope, an outcome. */
import { compile } from "../../../api/compiler/index.js";
import type { TenantScope } from "../../../api/compiler/tenancy/scope.js";
import { loadConfig } from "../../../api/config/index.js";

export const TARGET = { project: "shop", stage: "dev", region: "eu-west-1" };

/** Team `team` in account 123456789012, eu-west-1: its namespace alone, no shares, nothing allowed. */
export const scopeOf = (team: string): TenantScope => ({
  team,
  namePrefixes: [`${team}--`],
  account: "123456789012",
  region: "eu-west-1",
  sharedBuses: [],
  allowed: [],
});

/** The config compiled, or every problem (path and message) loading or compiling found. */
export function outcome(yaml: string, target: Parameters<typeof compile>[1] = TARGET) {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) return { problems: loaded.errors.map(({ path, message }) => ({ path, message })) };
  try {
    const result = compile(loaded.config, target);
    return { result, template: result.template, problems: [] };
  } catch (e) {
    const errors = (e as { errors: { path: string; message: string }[] }).errors;
    return { problems: errors.map(({ path, message }) => ({ path, message })) };
  }
}
