import { readFileSync } from "node:fs";
import { compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { fillParameters, localPlaceholder } from "../../../api/deployments/parameters.js";
import type { Template } from "../../../api/deployments/port.js";
import { LocalDeployer } from "../../../api/local/deployer/index.js";
import { LocalEventBridge } from "../../../api/local/eventbridge/index.js";
import { createTestTable } from "../../support/dynamo.js";

/** A config (YAML text) compiled for stage dev of `project`, with local placeholder artifacts. */
export function compiled(
  yaml: string,
  project = "shop",
): { template: Template; parameters: Record<string, string> } {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const result = compile(loaded.config, { project, stage: "dev" });
  return {
    template: result.template as unknown as Template,
    parameters: fillParameters(result.parameters, {}, localPlaceholder),
  };
}

export const fixture = (name: string) => readFileSync(`test/fixtures/configs/${name}.yaml`, "utf8");

/** A local deployer over the real embedded engine, both on a fresh table. */
export async function localWorld() {
  const table = await createTestTable();
  const engine = new LocalEventBridge({ table });
  const deployer = new LocalDeployer({ engine, table });
  return { table, engine, deployer, close: () => table.destroy() };
}
