/**
 * The platform's network for a deployment: subnets, security groups and (for workloads behind an
 * HTTP API) the VPC of the stage's region, from `PUT /v1/settings/network`. Product teams never
 * choose them. A template that needs them while they are unset fails here, before the deployer is
 * called, with a problem that says what to set.
 */
import { DomainError } from "../errors.js";
import type { RegionNetwork } from "../store/settings.js";
import type { DeploymentsContext } from "./context.js";
import type { DeclaredParameter, ResourceArtifacts } from "./parameters.js";

const NETWORK_KINDS: ReadonlySet<string> = new Set(["subnet-ids", "security-group-ids", "vpc-id"]);

/** Network values under `platform`, as fillParameters reads them; undefined when nothing needs one. */
export async function platformNetwork(
  ctx: Pick<DeploymentsContext, "networkSettings" | "settings">,
  declared: readonly DeclaredParameter[],
  /** The stored (validated) config, read only for the names of what needs the network. */
  config: unknown,
  stage: string,
): Promise<ResourceArtifacts | undefined> {
  const needed = declared.filter((p) => NETWORK_KINDS.has(p.kind));
  if (needed.length === 0) return undefined;
  const region = ctx.settings.region ?? ctx.settings.localNetwork?.region;
  const stored = region ? (await ctx.networkSettings.get())?.regions[region] : undefined;
  const network: RegionNetwork | undefined = stored ?? ctx.settings.localNetwork?.implied;
  const resources = (config as { resources?: Record<string, { type: string }> }).resources ?? {};
  // Loaded with the compiler, which has just compiled the config.
  const { definitionOfType } = await import("../resources/index.js");
  const users = Object.entries(resources)
    .flatMap(([name, r]) => {
      const noun = definitionOfType(r.type)?.networkUser;
      return noun ? [`${noun} ${name}`] : [];
    })
    .join(", ");
  const where = region ? `region ${region}` : "this server's region (unknown: set AWS_REGION)";
  const setting = `regions.${region ?? "<region>"}`;

  if (!network) {
    throw new DomainError(
      "network-settings-missing",
      `Stage ${stage} needs the platform's network settings for ${where} (${users} run in the platform's subnets), and none are set. A platform admin sets them with PUT /v1/settings/network: {"regions":{"${region ?? "<region>"}":{"subnetIds":["subnet-..."],"securityGroupIds":["sg-..."]}}}.`,
      {
        errors: [
          { path: `${setting}.subnetIds`, message: `needed by ${users}` },
          { path: `${setting}.securityGroupIds`, message: `needed by ${users}` },
        ],
      },
    );
  }
  if (needed.some((p) => p.kind === "vpc-id") && !network.vpcId) {
    throw new DomainError(
      "network-settings-missing",
      `Stage ${stage} has a workload reached from an HTTP API, whose Cloud Map namespace needs the VPC of the platform subnets; the network settings for ${where} have no vpcId. A platform admin adds it with PUT /v1/settings/network.`,
      { errors: [{ path: `${setting}.vpcId`, message: "needed by workloads with http-api-gateway events" }] },
    );
  }
  return {
    subnetIds: network.subnetIds,
    securityGroupIds: network.securityGroupIds,
    ...(network.vpcId ? { vpcId: network.vpcId } : {}),
  };
}
