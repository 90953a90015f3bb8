/** Stage and stack naming, and the token that ties a stack operation to its deployment. */

export const STAGE_NAME = /^[a-z0-9-]{2,12}$/;

/**
 * A stage is one stack. New stacks are named in their team's namespace (api/teams/namespace.ts:
 * `<prefix><ns>--<project>--<stage>`); stacks created before namespaces keep their name,
 * `<prefix><project>-<stage>`, while they exist. The prefix (SWITCHYARD_STACK_PREFIX in AWS, e.g.
 * `sy-`; empty locally) leads every stack name and, through the compile target, every physical name.
 *
 * The stages a legacy stack name could belong to: the prefix stripped, then every split of the rest into
 * `<project>-<stage>` with a valid stage name (both may contain `-`, so there can be several; the
 * stored stage decides). None for a stack without the prefix: not one of ours.
 */
export function stagesOfStack(stackName: string, prefix = ""): { project: string; stage: string }[] {
  if (!stackName.startsWith(prefix)) return [];
  const rest = stackName.slice(prefix.length);
  const candidates: { project: string; stage: string }[] = [];
  for (let i = rest.indexOf("-"); i > 0; i = rest.indexOf("-", i + 1)) {
    const stage = rest.slice(i + 1);
    if (STAGE_NAME.test(stage)) candidates.push({ project: rest.slice(0, i), stage });
  }
  return candidates;
}

/** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>` → `<name>`. */
export const stackNameOfId = (stackId: string): string | undefined => /:stack\/([^/]+)\//.exec(stackId)?.[1];

// CloudFormation's ClientRequestToken must start with a letter; ULIDs start with a digit.
const TOKEN_PREFIX = "sy-";

export const tokenOf = (deploymentId: string): string => `${TOKEN_PREFIX}${deploymentId}`;

/** The deployment a stack operation belongs to, or undefined for operations Switchyard did not start. */
export function deploymentIdOf(token: string | undefined): string | undefined {
  return token?.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : undefined;
}
