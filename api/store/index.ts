import { type ApiKeyRepository, apiKeyRepository } from "./api-keys.js";
import { type ConfigRepository, configRepository } from "./configs.js";
import { type IdempotencyRepository, idempotencyRepository } from "./idempotency.js";
import { type ProjectRepository, projectRepository } from "./projects.js";
import { type ReplaySlotRepository, replaySlotRepository } from "./replay-slots.js";
import { type NetworkSettingsRepository, networkSettingsRepository } from "./settings.js";
import type { Table } from "./table.js";
import { type TeamRepository, teamRepository } from "./teams.js";

/** The repositories over the one table. Routes and use cases reach DynamoDB only through these. */
export interface Store {
  teams: TeamRepository;
  apiKeys: ApiKeyRepository;
  projects: ProjectRepository;
  configs: ConfigRepository;
  idempotency: IdempotencyRepository;
  /** Platform settings (network per region), written by platform admins. */
  networkSettings: NetworkSettingsRepository;
  /** The replays each team runs (at most MAX_REPLAYS_PER_TEAM at once). */
  replaySlots: ReplaySlotRepository;
}

export function createStore(table: Table): Store {
  return {
    teams: teamRepository(table),
    apiKeys: apiKeyRepository(table),
    projects: projectRepository(table),
    configs: configRepository(table),
    idempotency: idempotencyRepository(table),
    networkSettings: networkSettingsRepository(table),
    replaySlots: replaySlotRepository(table),
  };
}

export type { ApiKey, KeyPrincipal } from "./api-keys.js";
export type { ConfigVersion, ConfigVersionSummary } from "./configs.js";
export { VersionTakenError } from "./configs.js";
export type { Page } from "./cursor.js";
export { InvalidCursorError } from "./cursor.js";
export type { StoredResponse } from "./idempotency.js";
export type { Project } from "./projects.js";
export { ProjectExistsError } from "./projects.js";
export type { NetworkSettings, RegionNetwork } from "./settings.js";
export { SettingsChangedError } from "./settings.js";
export type { Team } from "./teams.js";
export { NamespaceTakenError, TeamExistsError } from "./teams.js";
