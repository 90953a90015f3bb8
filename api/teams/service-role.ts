/**
 * Each team's CloudFormation service role on AWS (#15): the team's stacks deploy under a role that
 * may touch only names in the team's namespace, so a compiler bug cannot cross teams. infra/ defines
 * what such a role may do once for all teams (a managed policy whose ARNs take the namespace from
 * the role's tag, and a permissions boundary); the control plane creates a team's role, tagged with
 * its namespace, on the team's first stack operation (teams are created at run time).
 *
 *   role      `<stackPrefix>-<id>-<region>`, path `/switchyard-teams/`
 *   tag       `switchyard-namespace` = `<id>`
 *
 * Names starting `<stackPrefix>-` belong to no team (namespace.ts), and the path keeps the roles out
 * of every `role/<prefix>*` pattern a stack's roles are held to. IAM names are global, hence the region.
 */
import { isNamespaceId } from "./namespace.js";

export const TEAM_ROLE_PATH = "/switchyard-teams/";
export const TEAM_NAMESPACE_TAG = "switchyard-namespace";

export const teamServiceRoleName = (stackPrefix: string, namespace: string, region: string): string =>
  `${stackPrefix}-${namespace}-${region}`;

/**
 * The namespace a stack belongs to: `<prefix><id>--<project>--<stage>` → `<id>`. Undefined for a
 * stack named before namespaces (`<prefix><project>-<stage>`, no `--`) or not under the prefix.
 */
export function namespaceOfStack(stackPrefix: string, stackName: string): string | undefined {
  if (!stackName.startsWith(stackPrefix)) return undefined;
  const rest = stackName.slice(stackPrefix.length);
  const end = rest.indexOf("--");
  const id = end > 0 ? rest.slice(0, end) : "";
  return isNamespaceId(id) ? id : undefined;
}
