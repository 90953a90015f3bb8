/** Stage and stack naming, and the token that ties a stack operation to its deployment. */

export const STAGE_NAME = /^[a-z0-9-]{2,12}$/;

/**
 * A stage is one stack, named `<prefix><project>-<stage>`. The prefix (SWITCHYARD_STACK_PREFIX in
 * AWS, e.g. `sy-`; empty locally) is what infra/ scopes the control plane's IAM rights to, so it
 * leads the stack name and, through the compile target, every physical name in the stack.
 */
export const stackNameOf = (project: string, stage: string, prefix = ""): string =>
  `${prefix}${project}-${stage}`;

// CloudFormation's ClientRequestToken must start with a letter; ULIDs start with a digit.
const TOKEN_PREFIX = "sy-";

export const tokenOf = (deploymentId: string): string => `${TOKEN_PREFIX}${deploymentId}`;

/** The deployment a stack operation belongs to, or undefined for operations Switchyard did not start. */
export function deploymentIdOf(token: string | undefined): string | undefined {
  return token?.startsWith(TOKEN_PREFIX) ? token.slice(TOKEN_PREFIX.length) : undefined;
}
