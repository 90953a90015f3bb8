import { compile } from "../../api/compiler/index.js";
import { type Config, loadConfig } from "../../api/config/index.js";
import type { BenchRow } from "./lib.js";
import { measure } from "./lib.js";

/**
 * Compiling multi-container workloads (two containers, connectTo a bus, an HTTP API route through
 * a VPC link and Cloud Map, autoscaling) against compiling functions wired the same way (connectTo
 * a bus, an HTTP API route), in the same run. Reported per CloudFormation resource emitted, since a
 * workload emits about twice the resources of a function.
 */
const COUNT = 30;
const TARGET = { project: "bench", stage: "dev", region: "eu-west-1" };

function configOf(kind: "workload" | "function"): Config {
  const lines = ["resources:", "  api:", "    type: http-api-gateway"];
  for (let i = 0; i < COUNT; i++) {
    lines.push(`  bus${i}:`, "    type: event-bus", `  svc${i}:`);
    if (kind === "workload") {
      lines.push(
        "    type: multi-container-workload",
        "    properties:",
        "      resources: { cpu: 0.5, memory: 1024 }",
        "      scaling: { minInstances: 1, maxInstances: 3 }",
        `      connectTo: [bus${i}]`,
        "      containers:",
        "        - name: web",
        "          packaging: { type: stacktape-image-buildpack, properties: { entryfilePath: src/web.ts } }",
        "          environment: [{ name: MODE, value: live }]",
        "          events:",
        `            - { type: http-api-gateway, properties: { containerPort: 3000, httpApiGatewayName: api, method: POST, path: /s${i} } }`,
        "        - name: sidecar",
        "          essential: false",
        "          packaging: { type: prebuilt-image, properties: { image: x } }",
      );
    } else {
      lines.push(
        "    type: function",
        "    properties:",
        "      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/fn.ts } }",
        "      environment: [{ name: MODE, value: live }]",
        `      connectTo: [bus${i}]`,
        "      events:",
        `        - { type: http-api-gateway, properties: { httpApiGatewayName: api, method: POST, path: /s${i} } }`,
      );
    }
  }
  const loaded = loadConfig(`${lines.join("\n")}\n`);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

export default async function workloadBench(): Promise<BenchRow[]> {
  const workloads = configOf("workload");
  const functions = configOf("function");
  const count = (c: Config) => Object.keys(compile(c, TARGET).template.Resources).length;
  const [nw, nf] = [count(workloads), count(functions)];
  const w = await measure(() => compile(workloads, TARGET), 200, 20);
  const f = await measure(() => compile(functions, TARGET), 200, 20);
  const perResource = (opsPerSec: number, n: number) => 1e6 / opsPerSec / n;
  return [
    {
      name: `compile ${COUNT} workloads (${nw} resources), per resource`,
      unit: "µs",
      value: perResource(w.opsPerSec, nw),
      baseline: { name: `${COUNT} functions (${nf} resources)`, value: perResource(f.opsPerSec, nf) },
      better: "lower",
      target: "≤ 2x per resource",
    },
    {
      name: `compile ${COUNT} workloads, whole config (p99)`,
      unit: "ms",
      value: w.p99Ms,
      baseline: { name: `${COUNT} functions (p99)`, value: f.p99Ms },
      better: "lower",
    },
  ];
}
