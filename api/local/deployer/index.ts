/** The local Deployer, wired so each settled operation reconciles its deployment right away. */

import type { DeploymentSettings } from "../../deployments/context.js";
import { reconcileToken } from "../../deployments/index.js";
import { localPlaceholder } from "../../deployments/parameters.js";
import type { AppDeps } from "../../deps.js";
import { DEFAULT_LOCAL_REGION, type EventBridgeApi, LOCAL_ACCOUNT_ID } from "../eventbridge/api.js";
import { LocalDeployer } from "./local-deployer.js";

export { LocalDeployer, type LocalDeployerOptions } from "./local-deployer.js";

/** The network the local engine implies when no platform admin set one: recorded, never used. */
export const LOCAL_NETWORK = {
  subnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
  securityGroupIds: ["sg-0000000000000000a"],
  vpcId: "vpc-0000000000000000a",
};

/** Local deployments run in-process: a short lease, placeholders for code artifacts. */
export const LOCAL_DEPLOYMENT_SETTINGS: Partial<DeploymentSettings> = {
  leaseMs: 2 * 60_000,
  account: LOCAL_ACCOUNT_ID,
  parameterFallback: localPlaceholder,
  localNetwork: { region: DEFAULT_LOCAL_REGION, implied: LOCAL_NETWORK },
};

export function createLocalDeployer(
  deps: Pick<AppDeps, "table" | "now" | "log">,
  engine: EventBridgeApi,
  region?: string,
  resourceDelayMs?: number,
): LocalDeployer {
  return new LocalDeployer({
    engine,
    table: deps.table,
    now: deps.now,
    log: deps.log,
    ...(region ? { region } : {}),
    ...(resourceDelayMs ? { resourceDelayMs } : {}),
  });
}

/** Once the app's deps exist: every settled local operation reconciles its deployment. */
export function reconcileOnSettle(deployer: LocalDeployer, deps: AppDeps): void {
  deployer.onSettled = async (_stackName, token) => {
    await reconcileToken(deps, token);
  };
}
