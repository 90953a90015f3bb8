/**
 * A team's namespace: the name prefix every physical name of its stacks starts with, and the only
 * names its stacks may create or change (the compiler checks the final template against it, and on
 * AWS the team's CloudFormation service role is scoped to it).
 *
 *   namespace id   `payments`                      1-20 of `[a-z0-9]` in hyphen-joined words
 *   name prefix    `<stackPrefix><id>--`           `sy-payments--`
 *   stack          `<prefix><id>--<project>--<stage>`
 *
 * Ids have no doubled, leading or trailing hyphen, so `<id>--` is prefix-free: no team's prefix
 * starts another's (`sy-pay--` never begins `sy-pay-x--...`), and a stack name splits back into
 * (id, project, stage) one way only. Names starting `<stackPrefix>-` belong to no team: the
 * platform's own (per-team service roles) use them.
 */
import { createHash } from "node:crypto";

export const NAMESPACE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const NAMESPACE_MAX = 20;

export const isNamespaceId = (id: string): boolean => id.length <= NAMESPACE_MAX && NAMESPACE_ID.test(id);

/**
 * The id a team gets unless a platform admin chose one: its name when that is a valid id, else the
 * name's words cut to 13 characters plus 6 hex of its SHA-256 (long or legacy names).
 */
export function defaultNamespaceId(team: string): string {
  if (isNamespaceId(team)) return team;
  const words = team.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  const head = words.slice(0, 13).replace(/-+$/, "") || "t";
  return `${head}-${createHash("sha256").update(team).digest("hex").slice(0, 6)}`;
}

/** `<stackPrefix><id>--`: what every physical name of the team's stacks starts with. */
export const namespacePrefix = (stackPrefix: string, id: string): string => `${stackPrefix}${id}--`;

/** The stack of a team's stage: `<stackPrefix><id>--<project>--<stage>`. */
export const teamStackName = (stackPrefix: string, id: string, project: string, stage: string): string =>
  `${namespacePrefix(stackPrefix, id)}${project}--${stage}`;
