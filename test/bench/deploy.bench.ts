/**
 * The local deployer on in-memory dynalite.
 * 1. Creating and tearing down the seed example's stack (21 resources: bus, function, batch job,
 *    state machine, rule, roles, HTTP API) against the bare engine calls that stack needs
 *    (CreateEventBus, PutRule, PutTargets, then RemoveTargets, DeleteRule, DeleteEventBus) on the same
 *    dynalite, in the same run. The ratio is the deployer's own cost: intrinsics, ordering, a state
 *    write and stack events per resource.
 * 2. The same for a stack of about 300 resources (297 event-bus triggers, each a rule with a target,
 *    on one bus), per resource, against the seed's time per resource (the target is 3x), and against
 *    a 13-resource stack of the same shape (10 triggers): a deployer that scales linearly with the
 *    stack's size keeps that ratio near 1.
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
const LARGE_ROUNDS = 3;
/** 297 rules + bus + queue + queue policy = 300 resources, under EventBridge's 300 rules per bus. */
const LARGE_TRIGGERS = 297;
const SMALL_TRIGGERS = 10;

/** A queue with `count` event-bus triggers on one bus the config makes (as test/api/rules-quota). */
const queueWithTriggers = (count: number) =>
  `resources:\n  orders:\n    type: event-bus\n  inbox:\n    type: sqs-queue\n    properties:\n      events:\n${Array.from(
    { length: count },
    (_, i) =>
      `        - type: event-bus\n          properties: { eventBusName: orders, eventPattern: { source: [app], detail-type: [t${i}] } }\n`,
  ).join("")}`;

function compiled(yaml: string): { template: Template; parameters: Record<string, string> } {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error("bench config does not load");
  const out = compile(loaded.config, { project: "bench", stage: "dev" });
  return {
    template: out.template as unknown as Template,
    parameters: fillParameters(out.parameters, {}, localPlaceholder),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export default async function deployBench(): Promise<BenchRow[]> {
  const dynamo = await startDynalite();
  const { client, doc } = createDynamoClients(localDynamoConfig(dynamo.endpoint));
  await ensureTable(client, "bench");
  const table = { doc, name: "bench" };
  const engine = new LocalEventBridge({ table });
  const deployer = new LocalDeployer({ engine, table });

  let tokens = 0;
  /** One deploy + teardown of `stack`, in ms; throws unless both succeed. */
  const deployAndTearDown = async (stackName: string, stack: ReturnType<typeof compiled>) => {
    const create = `c${tokens++}`;
    const remove = `d${tokens++}`;
    const t0 = performance.now();
    await deployer.start({ stackName, ...stack, token: create });
    await deployer.idle();
    const created = await deployer.describe({ stackName, token: create });
    if (created.phase !== "SUCCEEDED") throw new Error(`deploy ended ${created.stackStatus}`);
    await deployer.teardown({ stackName, token: remove });
    await deployer.idle();
    const elapsed = performance.now() - t0;
    const status = await deployer.describe({ stackName, token: remove });
    if (status.phase !== "SUCCEEDED") throw new Error(`teardown ended ${status.stackStatus}`);
    return elapsed;
  };

  const seed = compiled(readFileSync("test/fixtures/configs/seed.yaml", "utf8"));
  const seedResources = Object.keys(seed.template.Resources).length;
  const deployerMs: number[] = [];
  const engineMs: number[] = [];
  for (let round = -2; round < ROUNDS; round++) {
    const deployMs = await deployAndTearDown("bench-dev", seed);

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
      deployerMs.push(deployMs);
      engineMs.push(t3 - t2);
    }
  }

  const large = compiled(queueWithTriggers(LARGE_TRIGGERS));
  const largeResources = Object.keys(large.template.Resources).length;
  const small = compiled(queueWithTriggers(SMALL_TRIGGERS));
  const smallResources = Object.keys(small.template.Resources).length;
  const largeMs: number[] = [];
  const seedAlongsideMs: number[] = [];
  const smallMs: number[] = [];
  for (let round = 0; round < LARGE_ROUNDS; round++) {
    largeMs.push(await deployAndTearDown("bench-large", large));
    seedAlongsideMs.push(await deployAndTearDown("bench-dev", seed));
    smallMs.push(await deployAndTearDown("bench-small", small));
  }
  client.destroy();
  await dynamo.close();

  return [
    {
      name: `local deploy + teardown of the seed stack (${seedResources} resources), median of ${ROUNDS}`,
      unit: "ms",
      value: median(deployerMs),
      baseline: { name: "bare engine calls for its bus, rule and target", value: median(engineMs) },
      better: "lower",
    },
    {
      name: `local deploy + teardown of ${largeResources} resources (${LARGE_TRIGGERS} rules with targets on one bus), per resource, median of ${LARGE_ROUNDS}`,
      unit: "ms",
      value: median(largeMs) / largeResources,
      baseline: {
        name: `the seed stack's time per resource, same rounds`,
        value: median(seedAlongsideMs) / seedResources,
      },
      better: "lower",
      target: "≤ 3x",
    },
    {
      name: `the same ${largeResources}-resource deploy + teardown, per resource`,
      unit: "ms",
      value: median(largeMs) / largeResources,
      baseline: {
        name: `${smallResources} resources of the same shape (${SMALL_TRIGGERS} rules), per resource`,
        value: median(smallMs) / smallResources,
      },
      better: "lower",
    },
  ];
}
