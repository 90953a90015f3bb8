/**
 * What a caller may do, as the API decides it (api/auth, README "API keys"): the portal offers
 * only these actions. The API still checks every call; the browser suite forces each refused one.
 */
import type { Caller } from "@switchyard/client";

type Role = NonNullable<Caller["role"]>;
const ORDER: readonly Role[] = ["viewer", "deployer", "maintainer", "admin"];

export type Action =
  | "project.create"
  | "project.delete"
  | "config.save"
  | "stage.preview"
  | "stage.deploy"
  | "stage.rollback"
  | "stage.teardown"
  | "stage.continueRollback"
  | "bus.publish"
  | "replay.start"
  | "replay.cancel"
  | "drill.manage"
  | "deadLetters.manage"
  | "keys.manage"
  | "audit.read"
  | "shares.manage"
  | "teams.manage";

const MIN_ROLE: Record<Exclude<Action, "teams.manage">, Role> = {
  "project.create": "maintainer",
  "project.delete": "admin",
  "config.save": "maintainer",
  "stage.preview": "deployer",
  "stage.deploy": "deployer",
  "stage.rollback": "deployer",
  "stage.teardown": "deployer",
  "stage.continueRollback": "maintainer",
  "bus.publish": "deployer",
  "replay.start": "deployer",
  "replay.cancel": "deployer",
  "drill.manage": "deployer",
  "deadLetters.manage": "deployer",
  "keys.manage": "admin",
  "audit.read": "maintainer",
  "shares.manage": "maintainer",
};

export function can(caller: Caller | undefined, action: Action): boolean {
  if (!caller) return false;
  if (caller.platformAdmin) return true;
  if (action === "teams.manage" || !caller.role) return false;
  return ORDER.indexOf(caller.role) >= ORDER.indexOf(MIN_ROLE[action]);
}
