import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { DEFAULT_SETTINGS, type DeploymentsContext } from "../../../api/deployments/context.js";
import { localPlaceholder } from "../../../api/deployments/parameters.js";
import { silentLogger } from "../../../api/http/logger.js";
import { LocalDeployer } from "../../../api/local/deployer/index.js";
import { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import { createStore } from "../../../api/store/index.js";
import { createTestTable } from "../../support/dynamo.js";

/** The use cases over a real table, the real compiler and the local deployer, with a movable clock. */
export async function deploymentsWorld() {
  const table = await createTestTable();
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const engine = new LocalEventBridge({ table, now });
  const deployer = new LocalDeployer({ engine, table, now });
  const store = createStore(table);
  // Team retail (namespace "retail") owns project shop, stored under the bare name as projects from
  // before per-team names are, so the tests' project key is "shop".
  await store.teams.create({ name: "retail", createdAt: now().toISOString(), createdBy: "key_test" });
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: { PK: "PROJECT#shop", SK: "PROJECT", type: "project", name: "shop", team: "retail" },
    }),
  );
  const ctx: DeploymentsContext = {
    stages: store.stages,
    deployments: store.deployments,
    locks: store.locks,
    networkSettings: store.networkSettings,
    stackClaims: store.stackClaims,
    configs: store.configs,
    projects: store.projects,
    teams: store.teams,
    allowedResources: store.allowedResources,
    teamDomains: store.teamDomains,
    globalAlarms: store.globalAlarms,
    busShares: store.busShares,
    deployer,
    compile,
    now,
    log: silentLogger,
    settings: { ...DEFAULT_SETTINGS, leaseMs: 60_000, parameterFallback: localPlaceholder },
  };
  let version = 0;
  return {
    table,
    engine,
    deployer,
    ctx,
    advance: (ms: number) => {
      offsetMs += ms;
    },
    /** Stores a config version of project shop. */
    async postConfig(yaml: string): Promise<number> {
      const loaded = loadConfig(yaml);
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      version += 1;
      await store.configs.put({
        project: "shop",
        version,
        format: "yaml",
        source: yaml,
        config: loaded.config,
        contentHash: `h${version}`,
        warnings: [],
        createdAt: now().toISOString(),
        createdBy: { keyId: "key_test", name: "test" },
      });
      return version;
    },
    close: () => table.destroy(),
  };
}
