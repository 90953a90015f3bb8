/**
 * What one team's stacks may name (#15): the team's namespace, the buses other teams shared with it,
 * and the external resources a platform admin allowed for it. Built per deployment by the use case
 * (api/deployments), checked by the compiler on the final template and by the local engine when it
 * applies a template; on AWS the team's CloudFormation service role is scoped to the same.
 */

/** What a bus share allows: attach rules (`subscribe`) and/or send events to it (`publish`). */
export type BusAccess = "subscribe" | "publish";
export const BUS_ACCESS = ["subscribe", "publish"] as const;

export interface SharedBusGrant {
  /** The bus's ARN, as its owner's stage outputs record it. */
  arn: string;
  access: readonly BusAccess[];
  /** How configs may name it instead of the ARN: `<team>:<project>/<stage>/<bus>` (share-ref.ts). */
  path?: string;
  /** The share's id, for messages. */
  id?: string;
}

/** A share the team held and that was revoked: only so that a refusal can name it. */
export interface RevokedBusGrant {
  arn: string;
  path: string;
  id: string;
  revokedAt: string;
}

/**
 * A domain a platform admin registered to the team (PUT /v1/teams/<team>/domains/<name>), as
 * Stacktape's `domain-add` registers one with the account: the domain and every name under it, the
 * Route 53 hosted zone its records go in, and the certificates made for it (each covering the
 * domain and `*.<domain>`).
 */
export interface TeamDomain {
  /** Lower case, no trailing dot: `example.com`. */
  name: string;
  /** The public hosted zone of the domain, where the team's stacks may create records. */
  hostedZoneId: string;
  /** A certificate in the stacks' region, for API Gateway custom domains. */
  certificateArn?: string;
  /** A certificate in us-east-1, for CloudFront (CDN) custom domains. */
  cdnCertificateArn?: string;
}

export interface TenantScope {
  /** The team whose stacks these are (for messages). */
  team: string;
  /**
   * Names the team's stacks may create and change start with one of these: `<stackPrefix><ns>--`,
   * and for a stage deployed before namespaces, its own stack's `<stack>-`.
   */
  namePrefixes: readonly string[];
  /** The account the stacks run in, when known; an ARN in another account is external. */
  account?: string;
  region?: string;
  partition?: string;
  sharedBuses: readonly SharedBusGrant[];
  /** Shares of buses the team held and lost (the latest per bus), none of which it holds again. */
  revokedBuses?: readonly RevokedBusGrant[];
  /** ARN patterns (`*` matches any run of characters) a platform admin allowed for the team. */
  allowed: readonly string[];
  /** The domains registered to the team: the only host names its stacks may create DNS records for. */
  domains?: readonly TeamDomain[];
  /** Domains registered to other teams: none of their names may be attached by this team's stacks. */
  foreignDomains?: readonly string[];
}

/** Glob match of an ARN pattern: `*` is any run of characters, everything else is itself. */
export function matchesPattern(pattern: string, value: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === value;
  if (!value.startsWith(parts[0]!) || !value.endsWith(parts.at(-1)!)) return false;
  let at = parts[0]!.length;
  const end = value.length - parts.at(-1)!.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return at <= end;
}
