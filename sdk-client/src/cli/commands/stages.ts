/**
 * A stage's life: `preview`, `deploy`, `rollback`, `teardown` (each optionally `--wait`ing with live
 * progress), `status` of a deployment, the stage's `outputs` and its `health`.
 */
import { randomUUID } from "node:crypto";
import type { Argv } from "yargs";
import type {
  Artifacts,
  Deployment,
  RoutingDiff,
  RoutingRuleSide,
  StackChange,
  StageHealth,
} from "../../gen/types.gen.js";
import type { SwitchyardClient } from "../../index.js";
import { CliError, connect, type GlobalArgs, type Output, output, required } from "../context.js";
import { countsTable } from "../counts.js";
import { followDeployment, plainReporter, spinnerReporter, summary } from "../follow.js";
import { duration, jsonArgument } from "../input.js";
import { pushConfig } from "./configs.js";

interface StageArgs extends GlobalArgs {
  project?: string;
  stage?: string;
}

interface WaitArgs extends StageArgs {
  wait?: boolean;
  timeout: string;
}

const stageOptions = <T>(y: Argv<T>) =>
  y
    .option("project", { alias: "p", type: "string", describe: "Project (or SWITCHYARD_PROJECT)" })
    .option("stage", { alias: "s", type: "string", describe: "Stage (or SWITCHYARD_STAGE)" });

const waitOptions = <T>(y: Argv<T>) =>
  stageOptions(y)
    .option("wait", {
      alias: "w",
      type: "boolean",
      describe: "Follow it to the end with live progress; exit 0 only if it SUCCEEDED",
    })
    .option("timeout", { type: "string", default: "15m", describe: "Give up waiting after this long" });

const stagePath = (args: StageArgs) => ({
  project: required(args.project, "project"),
  stage: required(args.stage, "stage"),
});

/** Starts an operation, then (with --wait) follows it; the exit code says whether it SUCCEEDED. */
async function run(
  args: Pick<WaitArgs, "wait" | "timeout">,
  out: Output,
  client: SwitchyardClient,
  start: (headers: Record<string, string>) => Promise<Deployment>,
) {
  // One key per invocation: a retry of the request after a dropped answer starts nothing twice.
  const started = await start({ "Idempotency-Key": randomUUID() });
  if (!args.wait) {
    out.result(started, summary(started));
    return;
  }
  const timeoutMs = duration(args.timeout, "timeout");
  // A spinner only for a person at a terminal; logs and pipes get one line per event.
  // (A terminal that reports no width, as some pseudo-terminals do, gets lines too.)
  const fancy =
    !out.quiet && !out.json && process.stderr.isTTY === true && process.stderr.columns > 0 && !process.env.CI;
  const reporter = out.quiet
    ? { event: () => {}, done: () => {} }
    : fancy
      ? await spinnerReporter(started)
      : plainReporter((line) => process.stderr.write(`${line}\n`));
  if (!fancy) out.note(summary(started));
  const ended = await followDeployment(client, started, reporter, timeoutMs);
  reporter.done(ended);
  out.result(ended, fancy ? "" : summary(ended));
  // The summary said it; the exit code tells the script.
  if (ended.status !== "SUCCEEDED") throw new CliError("", 1);
}

/** A stage operation that takes no body (rollback, teardown), started and optionally followed. */
async function stageOperation(
  args: WaitArgs,
  start: (
    client: SwitchyardClient,
    path: { project: string; stage: string },
    headers: Record<string, string>,
  ) => Promise<Deployment>,
) {
  const { client } = await connect(args);
  const path = stagePath(args);
  await run(args, output(args), client, (headers) => start(client, path, headers));
}

const changeLine = (c: StackChange) =>
  `${{ Add: "+", Modify: "~", Remove: "-" }[c.action]} ${c.logicalId} (${c.resourceType})${
    c.action === "Modify"
      ? `${c.replacement === "True" ? " REPLACED" : c.replacement === "Conditional" ? " may be replaced" : ""}${c.properties?.length ? `: ${c.properties.join(", ")}` : ""}`
      : ""
  }`;

const sideLine = (label: string, side: RoutingRuleSide) =>
  `    ${label} ${side.eventPattern !== undefined ? JSON.stringify(side.eventPattern) : (side.scheduleExpression ?? "no pattern")}${
    side.state === "ENABLED" ? "" : ` (${side.state})`
  } → ${side.targets.map((t) => `${t.id}: ${t.arn}`).join(", ") || "no target"}`;

/** The routing diff, readable: each rule with its patterns and targets, and what recent events say. */
export function routingLines(routing: RoutingDiff): string[] {
  if (routing.rules.length === 0) return ["routing: no rule changes"];
  const lines = [`routing: ${routing.rules.length} rule change(s)`];
  for (const r of routing.rules) {
    const side = (r.after ?? r.before)!;
    const mark = { added: "+", changed: "~", removed: "-" }[r.change];
    lines.push(`${mark} rule ${r.rule} on bus ${side.bus}${r.changed ? ` (${r.changed.join(", ")})` : ""}`);
    if (r.before) lines.push(sideLine(r.after ? "before:" : "was:   ", r.before));
    if (r.after) lines.push(sideLine(r.before ? "after: " : "now:   ", r.after));
    if (r.sample) {
      lines.push(
        `    ${r.sample.events} recent event(s): ${r.sample.matchedBefore} matched before, ${r.sample.matchedAfter} after`,
      );
      for (const e of r.sample.examples) {
        lines.push(
          `      ${e.matchedBefore ? "stops matching" : "starts matching"}: ${JSON.stringify(e.event)}`,
        );
      }
    }
  }
  for (const s of routing.samples) {
    if (s.note) lines.push(`  bus ${s.bus}: ${s.note}`);
  }
  return lines;
}

const HEALTH_COUNTS = ["matched", "delivered", "failed", "deadLettered"] as const;

/** Per bus, a table of its rules: each count as last hour/last day. */
function healthLines(health: StageHealth): string[] {
  const lines: string[] = [];
  for (const bus of health.buses) {
    lines.push(`bus ${bus.bus} (${bus.name})`);
    if (bus.rules.length === 0) lines.push("  no rule");
    else lines.push(...countsTable(bus.rules, HEALTH_COUNTS, (r, k) => `${r.lastHour[k]}/${r.lastDay[k]}`));
  }
  if (lines.length === 0) return ["No bus on this stage."];
  return [...lines, "(each: last hour/last day)"];
}

export function stageCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli
    .command<StageArgs & { configVersion?: number }>(
      "preview",
      "What deploying a config version to a stage would add, modify and remove",
      (y) =>
        stageOptions(y)
          .option("config-version", { type: "number", describe: "Default: the latest" })
          .example("$0 preview -p orders -s dev", ""),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        const preview = await client.stages.preview({
          path: stagePath(args),
          body: args.configVersion !== undefined ? { configVersion: args.configVersion } : {},
        });
        out.result(preview, () =>
          [
            `${preview.stackName}, config version ${preview.configVersion}: ${preview.changes.length} change(s)`,
            ...preview.changes.map(changeLine),
            ...routingLines(preview.routing),
            ...preview.warnings.map((w) => `warning: ${w}`),
          ].join("\n"),
        );
      },
    )
    .command<WaitArgs & { config?: string; configVersion?: number; artifacts?: string }>(
      "deploy",
      "Deploy a config version to a stage (with --config, push the file first)",
      (y) =>
        waitOptions(y)
          .option("config", {
            alias: "c",
            type: "string",
            describe: "Push this config file first, then deploy it",
          })
          .option("config-version", { type: "number", describe: "Default: the latest" })
          .option("artifacts", {
            type: "string",
            describe:
              'Code per resource: {"myFunction":{"codeBucket":"b","codeKey":"k"},"myJob":{"imageUri":"..."}} (JSON or @file)',
          })
          .conflicts("config", "config-version")
          .example("$0 deploy -p orders -s dev --config examples/stacktape.yaml --wait", "")
          .example("$0 deploy -p orders -s dev --config-version 3 --wait --json", ""),
      async (args) => {
        const out = output(args);
        const path = stagePath(args);
        let configVersion = args.configVersion;
        if (args.config) {
          const version = await pushConfig(args, path.project, args.config);
          out.note(`${path.project}: config version ${version.version} (${args.config})`);
          configVersion = version.version;
        }
        const artifacts = args.artifacts
          ? (JSON.parse(await jsonArgument(args.artifacts, "artifacts")) as Artifacts)
          : undefined;
        const { client } = await connect(args);
        await run(args, out, client, (headers) =>
          client.deployments.create({
            path,
            headers,
            body: {
              ...(configVersion !== undefined ? { configVersion } : {}),
              ...(artifacts ? { artifacts } : {}),
            },
          }),
        );
      },
    )
    .command<WaitArgs>(
      "rollback",
      "Deploy the version the stage ran before its last deployment",
      (y) => waitOptions(y).example("$0 rollback -p orders -s dev --wait", ""),
      (args) => stageOperation(args, (client, path, headers) => client.stages.rollback({ path, headers })),
    )
    .command<WaitArgs>(
      "teardown",
      "Delete the stage's stack (its buses, rules and archives go with it)",
      (y) => waitOptions(y).example("$0 teardown -p orders -s dev --wait", ""),
      (args) => stageOperation(args, (client, path, headers) => client.stages.delete({ path, headers })),
    )
    .command<GlobalArgs & { id: string; wait?: boolean; timeout: string }>(
      "status <id>",
      "A deployment's state (with --wait, follow it to the end)",
      (y) =>
        y
          .positional("id", { type: "string", describe: "The deployment's id" })
          .option("wait", { alias: "w", type: "boolean", describe: "Follow it to the end" })
          .option("timeout", { type: "string", default: "15m", describe: "Give up waiting after this long" })
          .example("$0 status 01JD5Z3M9X2Q8R7T6Y5W4V3Q2S --wait", ""),
      async (args) => {
        const { client } = await connect(args);
        const deployment = await client.deployments.get({ path: { id: args.id } });
        await run(args, output(args), client, async () => deployment);
      },
    )
    .command<StageArgs>(
      "outputs",
      "The deployed stage's outputs: each resource's referenceable params (ARNs, names, URLs)",
      (y) => stageOptions(y).example("$0 outputs -p orders -s dev --json | jq -r .myEventBus.arn", ""),
      async (args) => {
        const { client } = await connect(args);
        const stage = await client.stages.get({ path: stagePath(args) });
        output(args).result(stage.outputs, () =>
          Object.entries(stage.outputs)
            .flatMap(([resource, params]) =>
              Object.entries(params).map(([param, value]) => `${resource}.${param}\t${value}`),
            )
            .join("\n"),
        );
      },
    )
    .command<StageArgs>(
      "health",
      "How the stage's rules deliver: matched, delivered, failed, dead-lettered (last hour/last day)",
      (y) => stageOptions(y).example("$0 health -p orders -s dev", ""),
      async (args) => {
        const { client } = await connect(args);
        const health = await client.stages.health({ path: stagePath(args) });
        output(args).result(health, () => healthLines(health).join("\n"));
      },
    );
}
