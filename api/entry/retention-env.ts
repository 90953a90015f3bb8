/**
 * Retention settings from the environment (README: Environment variables). A value that is not a
 * positive whole number stops the start with a sentence naming the variable.
 */
import { DEFAULT_DEPLOYMENT_RETENTION, type DeploymentRetention } from "../deployments/retention.js";
import type { Env } from "./env.js";

export class RetentionSettingError extends Error {
  override name = "RetentionSettingError";
}

export function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new RetentionSettingError(`${name} must be a whole number of at least 1 (it is "${raw}").`);
  }
  return Number(raw);
}

export function deploymentRetentionFrom(env: Env): DeploymentRetention {
  return {
    count: positiveInteger(env, "SWITCHYARD_RETAIN_DEPLOYMENTS", DEFAULT_DEPLOYMENT_RETENTION.count),
    days: positiveInteger(env, "SWITCHYARD_RETAIN_DEPLOYMENT_DAYS", DEFAULT_DEPLOYMENT_RETENTION.days),
  };
}
