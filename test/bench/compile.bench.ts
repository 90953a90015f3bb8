import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { compile } from "../../api/compiler/index.js";
import { loadConfig } from "../../api/config/index.js";
import type { BenchRow } from "./lib.js";
import { measure } from "./lib.js";

/**
 * Compiling a config of ~350 CloudFormation resources (50 archived buses, 50 functions each
 * subscribed to a bus and connected to it) against aws-cdk-lib synthesizing the equivalent buses,
 * archives, rules, Lambda permissions and PutEvents grants, in the same process. 50 pairs is the
 * most this shape fits in CloudFormation's 200 outputs: each bus exports its arn and archiveArn,
 * each function its arn and name (a config past that is refused, not cut).
 */
const PAIRS = 50;
const TARGET = { project: "bench", stage: "dev", region: "eu-west-1" };

function benchConfigYaml(): string {
  const lines = ["resources:"];
  for (let i = 0; i < PAIRS; i++) {
    lines.push(
      `  bus${i}:`,
      "    type: event-bus",
      "    properties: { archivation: { enabled: true, retentionDays: 7 } }",
      `  consumer${i}:`,
      "    type: function",
      "    properties:",
      `      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/c${i}.ts } }`,
      `      connectTo: [bus${i}]`,
      "      events:",
      "        - type: event-bus",
      "          properties:",
      `            eventBusName: bus${i}`,
      `            eventPattern: { source: [app${i}], detail-type: [{ prefix: Order }] }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function cdkSynth(): Promise<number> {
  const cdk = await import("aws-cdk-lib");
  const { EventBus, Rule } = await import("aws-cdk-lib/aws-events");
  const { LambdaFunction } = await import("aws-cdk-lib/aws-events-targets");
  const lambda = await import("aws-cdk-lib/aws-lambda");
  const outdir = mkdtempSync(path.join(tmpdir(), "cdk-bench-"));
  try {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, "bench-dev", {
      env: { region: TARGET.region, account: "123456789012" },
    });
    for (let i = 0; i < PAIRS; i++) {
      const bus = new EventBus(stack, `Bus${i}`, { eventBusName: `bench-dev-bus${i}` });
      bus.archive(`Archive${i}`, {
        eventPattern: { account: [stack.account] },
        retention: cdk.Duration.days(7),
      });
      const fn = new lambda.Function(stack, `Consumer${i}`, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: "index.handler",
        code: lambda.Code.fromCfnParameters(),
      });
      bus.grantPutEventsTo(fn);
      new Rule(stack, `Consumer${i}Rule`, {
        eventBus: bus,
        eventPattern: { source: [`app${i}`], detailType: cdk.aws_events.Match.prefix("Order") },
        targets: [new LambdaFunction(fn)],
      });
    }
    const assembly = app.synth();
    return Object.keys(assembly.getStackByName("bench-dev").template.Resources).length;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export default async function (): Promise<BenchRow[]> {
  const yaml = benchConfigYaml();
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors.slice(0, 3)));
  const resources = Object.keys(compile(loaded.config, TARGET).template.Resources).length;

  const compileRun = await measure(() => compile(loaded.config, TARGET), 300, 100);
  const loadAndCompileRun = await measure(
    () => {
      const result = loadConfig(yaml);
      if (result.ok) compile(result.config, TARGET);
    },
    50,
    10,
  );

  await cdkSynth(); // warm-up: module loading and JIT
  const cdkRun = await measure(cdkSynth, 3, 0);
  const cdkResources = await cdkSynth();

  const baseline = { name: `aws-cdk-lib synth (${cdkResources} resources)`, value: cdkRun.p50Ms };
  return [
    {
      // run.ts prints ratios with two decimals; the speed-up is spelled out so it stays readable.
      name: `compile(): ${resources}-resource template, median (${Math.round(cdkRun.p50Ms / compileRun.p50Ms)}x faster than CDK)`,
      unit: "ms",
      value: compileRun.p50Ms,
      baseline,
      better: "lower",
      target: "<= 0.01x (100x faster than CDK)",
    },
    {
      name: "loadConfig() + compile() from YAML text, median",
      unit: "ms",
      value: loadAndCompileRun.p50Ms,
      baseline,
      better: "lower",
    },
  ];
}
