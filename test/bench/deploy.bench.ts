/**
 * The local deployer on in-memory dynalite: creating and tearing down the seed example's stack (21
 * resources: bus, function, batch job, state machine, rule, roles, HTTP API) against the bare engine
 * calls that stack needs (CreateEventBus, PutRule, PutTargets, then RemoveTargets, DeleteRule,
 * DeleteEventBus) on the same dynalite, in the same run. The ratio is the deployer's own cost:
 * intrinsics, ordering, a state write and stack events per resource.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api/compiler/index.js";
import { loadConfig } from "../../api/config/index.js";
import { fillParameters, localPlaceholder } from "../../api/deployments/parameters.js";
import type { Template } from "../../api/deployments/port.js";
import { LocalDeployer } from "../../api/local/deployer/index.js";
import { LocalEventBridge } from "../../api/local/eventbridge/index.js";
import { createDynamoClients, localDynamoConfig } from "../../api/store/client.js";
import { startDynalite } from "../../api/store/dynalite.js";
import { ensureTable } from "../../api/store/table.js";
import type { BenchRow } from "./lib.js";

const ROUNDS = 15;

export default async function deployBench(): Promise<BenchRow[]> {
  const dynamo = await startDynalite();
  const { client, doc } = createDynamoClients(localDynamoConfig(dynamo.endpoint));
  await ensureTable(client, "bench");
  const table = { doc, name: "bench" };
  const engine = new LocalEventBridge({ table });
  const deployer = new LocalDeployer({ engine, table });

  const loaded = loadConfig(readFileSync("test/fixtures/configs/seed.yaml", "utf8"));
  if (!loaded.ok) throw new Error("seed config does not load");
  const compiled = compile(loaded.config, { project: "bench", stage: "dev" });
  const template = compiled.template as unknown as Template;
  const parameters = fillParameters(compiled.parameters, {}, localPlaceholder);
  const resources = Object.keys(template.Resources).length;

  const deployerMs: number[] = [];
  const engineMs: number[] = [];
  for (let round = -2; round < ROUNDS; round++) {
    const t0 = performance.now();
    await deployer.start({ stackName: "bench-dev", template, parameters, token: `c${round + 2}` });
    await deployer.idle();
    await deployer.teardown({ stackName: "bench-dev", token: `d${round + 2}` });
    await deployer.idle();
    const t1 = performance.now();
    const status = await deployer.describe({ stackName: "bench-dev", token: `d${round + 2}` });
    if (status.phase !== "SUCCEEDED") throw new Error(`teardown ended ${status.stackStatus}`);

    const t2 = performance.now();
    const bus = await engine.createEventBus({ Name: "bench-baseline-bus" });
    await engine.putRule({
      Name: "bench-rule",
      EventBusName: "bench-baseline-bus",
      EventPattern: '{"source":["x"]}',
    });
    await engine.putTargets({
      Rule: "bench-rule",
      EventBusName: "bench-baseline-bus",
      Targets: [{ Id: "t", Arn: "arn:aws:states:us-east-1:000000000000:stateMachine:bench" }],
    });
    await engine.removeTargets({ Rule: "bench-rule", EventBusName: "bench-baseline-bus", Ids: ["t"] });
    await engine.deleteRule({ Name: "bench-rule", EventBusName: "bench-baseline-bus" });
    await engine.deleteEventBus({ Name: "bench-baseline-bus" });
    const t3 = performance.now();
    if (!bus.EventBusArn) throw new Error("baseline bus has no ARN");
    if (round >= 0) {
      deployerMs.push(t1 - t0);
      engineMs.push(t3 - t2);
    }
  }
  client.destroy();
  await dynamo.close();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return [
    {
      name: `local deploy + teardown of the seed stack (${resources} resources), median of ${ROUNDS}`,
      unit: "ms",
      value: median(deployerMs),
      baseline: { name: "bare engine calls for its bus, rule and target", value: median(engineMs) },
      better: "lower",
    },
  ];
}
