/**
 * What a handler of one CloudFormation type does for the local deployer (create, update, delete),
 * and the helpers handlers share: names CloudFormation would generate, ARNs in the local account.
 */
import { createHash } from "node:crypto";
import type { EventBridgeApi } from "../../eventbridge/api.js";

export interface ResourceState {
  type: string;
  physicalId: string;
  /** What `Ref` returns. */
  ref: string;
  attributes: Record<string, string>;
  /** The resolved properties it was created or last updated with. */
  properties: Record<string, unknown>;
  /**
   * Recorded just before the engine made it: a process that stopped in between leaves this, so what
   * may exist is known (deleted by a rollback or teardown, made again by the next deployment).
   */
  pending?: true;
}

export interface HandlerContext {
  engine: EventBridgeApi;
  region: string;
  account: string;
  stackName: string;
  logicalId: string;
}

export interface ResourceHandler {
  /** Properties whose change needs a new physical resource (create-only in the registry schema). */
  replaceOn: readonly string[];
  create(
    props: Record<string, unknown>,
    ctx: HandlerContext,
  ): Promise<Omit<ResourceState, "type" | "properties">>;
  update(
    previous: ResourceState,
    props: Record<string, unknown>,
    ctx: HandlerContext,
  ): Promise<Omit<ResourceState, "type" | "properties">>;
  delete(state: ResourceState, ctx: HandlerContext): Promise<void>;
  /**
   * For types the engine really makes (buses, archives, rules): the physical name a create will use,
   * so it can be recorded first. Recorded-only types leave nothing behind and need none.
   */
  plannedName?(props: Record<string, unknown>): string | undefined;
}

/** CloudFormation's generated physical names: `<stack>-<logicalId>-<suffix>`, cut to `max`. */
export function generatedName(ctx: HandlerContext, max: number): string {
  const suffix = createHash("sha256")
    .update(`${ctx.stackName}/${ctx.logicalId}/${Date.now()}/${Math.random()}`)
    .digest("hex")
    .slice(0, 12)
    .toUpperCase();
  const head = `${ctx.stackName}-${ctx.logicalId}`.slice(0, Math.max(1, max - suffix.length - 1));
  return `${head}-${suffix}`;
}

export const arn = (ctx: HandlerContext, service: string, resource: string, global = false) =>
  `arn:aws:${service}:${global ? "" : ctx.region}:${ctx.account}:${resource}`;

export const str = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : String(v);
export const json = (v: unknown): string | undefined =>
  v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);

/** Deletes of what is already gone succeed, as CloudFormation's handlers do. */
export async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
  }
}

/** A short hex id derived from a name: stable ids for things AWS identifies by id, not name. */
export const shortId = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 16);
