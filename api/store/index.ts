import { type AllowedResourcesRepository, allowedResourcesRepository } from "./allowed-resources.js";
import { type ApiKeyRepository, apiKeyRepository } from "./api-keys.js";
import { type AuditRepository, auditRepository } from "./audit.js";
import { type BusShareRepository, busShareRepository } from "./bus-shares.js";
import { type ConfigRepository, configRepository } from "./configs.js";
import { type DeploymentRepository, deploymentRepository } from "./deployments.js";
import { type GlobalAlarmRepository, globalAlarmRepository } from "./global-alarms.js";
import { type IdempotencyRepository, idempotencyRepository } from "./idempotency.js";
import { type LockRepository, lockRepository } from "./locks.js";
import { type ProjectRepository, projectRepository } from "./projects.js";
import { type ReplaySlotRepository, replaySlotRepository } from "./replay-slots.js";
import { type ReplayHistoryRepository, replayHistoryRepository } from "./replays.js";
import { type NetworkSettingsRepository, networkSettingsRepository } from "./settings.js";
import { type StackClaimRepository, stackClaimRepository } from "./stack-claims.js";
import { type StageRepository, stageRepository } from "./stages.js";
import type { Table } from "./table.js";
import { type TeamDomainRepository, teamDomainRepository } from "./team-domains.js";
import { type TeamRepository, teamRepository } from "./teams.js";

/**
 * The repositories over the one table: the only way routes and use cases reach DynamoDB (both
 * entries build it with createStore; the local engine keeps its own records apart).
 */
export interface Store {
  teams: TeamRepository;
  apiKeys: ApiKeyRepository;
  projects: ProjectRepository;
  configs: ConfigRepository;
  idempotency: IdempotencyRepository;
  /** Platform settings (network per region), written by platform admins. */
  networkSettings: NetworkSettingsRepository;
  /** Per team, the external resources a platform admin allowed its stacks to name. */
  allowedResources: AllowedResourcesRepository;
  /** Per team, the global alarms its stacks get (Stacktape's console alarms). */
  globalAlarms: GlobalAlarmRepository;
  /** Who changed what, per team, newest first. */
  audit: AuditRepository;
  /** The domains platform admins registered to teams (hosted zone, certificates). */
  teamDomains: TeamDomainRepository;
  /** Buses teams shared with other teams (to subscribe and/or publish). */
  busShares: BusShareRepository;
  stages: StageRepository;
  deployments: DeploymentRepository;
  /** One deployment at a time per stage. */
  locks: LockRepository;
  /** Which stage owns each stack name (see stack-claims.ts). */
  stackClaims: StackClaimRepository;
  /** The replays each team runs (at most MAX_REPLAYS_PER_TEAM at once). */
  replaySlots: ReplaySlotRepository;
  /** The replays started through Switchyard, per bus, newest first. */
  replays: ReplayHistoryRepository;
}

export function createStore(table: Table): Store {
  return {
    teams: teamRepository(table),
    apiKeys: apiKeyRepository(table),
    projects: projectRepository(table),
    configs: configRepository(table),
    idempotency: idempotencyRepository(table),
    networkSettings: networkSettingsRepository(table),
    allowedResources: allowedResourcesRepository(table),
    globalAlarms: globalAlarmRepository(table),
    audit: auditRepository(table),
    teamDomains: teamDomainRepository(table),
    busShares: busShareRepository(table),
    stages: stageRepository(table),
    deployments: deploymentRepository(table),
    locks: lockRepository(table),
    stackClaims: stackClaimRepository(table),
    replaySlots: replaySlotRepository(table),
    replays: replayHistoryRepository(table),
  };
}

export type { AllowedResources } from "./allowed-resources.js";
export { AllowedResourcesChangedError } from "./allowed-resources.js";
export type { ApiKey, KeyPrincipal } from "./api-keys.js";
export type { AuditActor, AuditEntry, NewAuditEntry } from "./audit.js";
export type { BusShare, RevokedBusShare } from "./bus-shares.js";
export {
  BusShareExistsError,
  BusShareLimitError,
  MAX_SHARES_HELD,
  MAX_SHARES_PER_BUS,
} from "./bus-shares.js";
export type { ConfigVersion, ConfigVersionSummary } from "./configs.js";
export { VersionTakenError } from "./configs.js";
export type { Page } from "./cursor.js";
export { InvalidCursorError } from "./cursor.js";
export type { GlobalAlarms } from "./global-alarms.js";
export { GlobalAlarmsChangedError } from "./global-alarms.js";
export type { StoredResponse } from "./idempotency.js";
export type { Project } from "./projects.js";
export { ProjectExistsError } from "./projects.js";
export type { BusScope, ReplayHistoryEntry } from "./replays.js";
export type { NetworkSettings, RegionNetwork } from "./settings.js";
export { SettingsChangedError } from "./settings.js";
export type { TeamDomainRecord } from "./team-domains.js";
export { DomainTakenError, MAX_DOMAINS } from "./team-domains.js";
export type { Team } from "./teams.js";
export { NamespaceTakenError, TeamExistsError } from "./teams.js";
