/** What the deployment use cases work with: repositories, the Deployer port, the compiler, a clock. */
import type { CompileResult, CompileTarget } from "../compiler/index.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../http/logger.js";
import type { AllowedResourcesRepository } from "../store/allowed-resources.js";
import type { BusShareRepository } from "../store/bus-shares.js";
import type { ConfigRepository } from "../store/configs.js";
import type { DeploymentRepository } from "../store/deployments.js";
import type { GlobalAlarmRepository } from "../store/global-alarms.js";
import type { LockRepository } from "../store/locks.js";
import type { ProjectRepository } from "../store/projects.js";
import type { NetworkSettingsRepository, RegionNetwork } from "../store/settings.js";
import type { StackClaimRepository } from "../store/stack-claims.js";
import type { StageRepository } from "../store/stages.js";
import type { TeamDomainRepository } from "../store/team-domains.js";
import type { TeamRepository } from "../store/teams.js";
import type { DeclaredParameter } from "./parameters.js";
import type { Deployer } from "./port.js";
import type { DeploymentRetention } from "./retention.js";

/** The compiler (api/compiler/), loaded on first use: these type imports load nothing. */
export type CompileFn = (config: Config, target: CompileTarget) => CompileResult | Promise<CompileResult>;

export interface DeploymentSettings {
  /** How long a stage lock holds without being extended (reconcile extends it while a stack works). */
  leaseMs: number;
  /** A read of a non-terminal deployment not updated for this long reconciles it first. */
  reconcileAfterMs: number;
  /** A PENDING deployment whose stack operation never started is cancelled after this long. */
  pendingGraceMs: number;
  /** How long one event stream response stays open before the client must reconnect. */
  eventStreamMaxMs: number;
  /** Leads stack and physical names (`sy-` in AWS by default); empty locally. */
  stackPrefix?: string;
  /** Put on every IAM role of a stack (SWITCHYARD_PERMISSIONS_BOUNDARY_ARN in AWS); none locally. */
  permissionsBoundary?: string;
  /** The region templates are compiled for, when known. */
  region?: string;
  /** The account stacks deploy in, when known: an ARN in another one is external (api/compiler/tenancy). */
  account?: string;
  /** Values for template parameters a deployment did not supply (local placeholders). */
  parameterFallback?: (p: DeclaredParameter) => string | undefined;
  /**
   * The local engine's region, whose platform network settings apply when `region` is unset, and the
   * network it implies when a platform admin set none (nothing runs in it locally).
   */
  localNetwork?: { region: string; implied: RegionNetwork };
  /** How long deployment history is kept per stage (retention.ts); the defaults when unset. */
  retention?: DeploymentRetention;
}

export const DEFAULT_SETTINGS: DeploymentSettings = {
  leaseMs: 15 * 60_000,
  reconcileAfterMs: 3_000,
  pendingGraceMs: 60_000,
  eventStreamMaxMs: 25_000,
};

export interface DeploymentStores {
  stages: StageRepository;
  deployments: DeploymentRepository;
  locks: LockRepository;
  /** The platform's network settings (subnets, security groups per region), read at deploy time. */
  networkSettings: Pick<NetworkSettingsRepository, "get">;
  /** Which stage owns each stack name (two projects can map to one: see api/store/stack-claims.ts). */
  stackClaims: StackClaimRepository;
}

export interface DeploymentsContext extends DeploymentStores {
  configs: Pick<ConfigRepository, "get" | "latest">;
  /** The project behind a key (its team and name), and the team's namespace: what a new stack is named. */
  projects: Pick<ProjectRepository, "get" | "list">;
  teams: Pick<TeamRepository, "namespaceOf">;
  /** What a platform admin allowed each team's stacks to name outside its namespace. */
  allowedResources: Pick<AllowedResourcesRepository, "get">;
  /** The domains registered to teams: the team's are compiled with, the others' refused. */
  teamDomains: Pick<TeamDomainRepository, "all">;
  /** Each team's global alarms, applied to its stages' matching resources. */
  globalAlarms: Pick<GlobalAlarmRepository, "get">;
  /** The buses other teams shared with each team (and the shares it lost, to name them in refusals). */
  busShares: Pick<BusShareRepository, "held" | "revoked">;
  deployer: Deployer;
  compile: CompileFn;
  now: () => Date;
  log: Logger;
  settings: DeploymentSettings;
}
