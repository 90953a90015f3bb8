/**
 * When deliveries fail: `dead-letters list|redrive|purge` (the queues of targets with
 * `onDeliveryFailure`) and `drill inject|clear|list` (failure drills, embedded default only).
 */
import type { Argv } from "yargs";
import type { DeadLetterQueue, FailureDrill, SetFailureDrill } from "../../gen/types.gen.js";
import { CliError, connect, type GlobalArgs, output } from "../context.js";
import { type BusArgs, busOptions, busPath } from "./buses.js";

interface TargetArgs extends BusArgs {
  rule: string;
  target?: string;
}

/** `--rule` (required) and `--target`, as the API names a rule's target. */
const targetOptions = <T>(y: Argv<T>) =>
  busOptions(y)
    .option("rule", {
      alias: "r",
      type: "string",
      demandOption: true,
      describe: "The rule: myConsumer, myConsumer.1 (its events[1]) or the physical name",
    })
    .option("target", { type: "string", describe: "The target's id (only when the rule has several)" });

const targetBody = (args: TargetArgs) => ({
  rule: args.rule,
  ...(args.target ? { target: args.target } : {}),
});

function queueLines(q: DeadLetterQueue): string[] {
  const lines = [`${q.rule} → ${q.targetId}  ${q.queueArn}: ${q.messages.length} message(s)`];
  for (const m of q.messages) {
    const error = m.errorCode ? `${m.errorCode}: ${m.errorMessage ?? ""}` : "no error recorded";
    const attempts = m.attempts !== undefined ? ` (${m.attempts} attempt(s))` : "";
    lines.push(`  ${m.id}  ${m.sentAt ?? ""}  ${error}${attempts}`, `    ${m.event}`);
  }
  return lines;
}

function drillLine(d: FailureDrill): string {
  const how =
    d.mode === "always"
      ? "every attempt fails"
      : d.mode === "count"
        ? d.remaining
          ? `the next ${d.remaining} attempt(s) fail`
          : "spent: no more attempts fail"
        : `each attempt fails with probability ${d.probability}`;
  return `${d.rule} → ${d.targetId}: ${how} (${d.errorCode}: ${d.errorMessage})`;
}

export function failureCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli
    .command("dead-letters", "Dead-lettered events of the bus's targets: list, re-drive, purge", (y) =>
      y
        .command<BusArgs & { rule?: string; limit: number }>(
          "list",
          "Each target's dead-letter queue and its events, with the error of their last attempt",
          (y2) =>
            busOptions(y2)
              .option("rule", { alias: "r", type: "string", describe: "Only this rule's targets" })
              .option("limit", { type: "number", default: 20, describe: "Messages per queue (1 to 100)" })
              .example("$0 dead-letters list -p orders -s dev -b myEventBus", ""),
          async (args) => {
            const out = output(args);
            const { client } = await connect(args);
            const { queues } = await client.deadLetters.list({
              path: busPath(args),
              query: { limit: args.limit, ...(args.rule ? { rule: args.rule } : {}) },
            });
            out.result({ queues }, () =>
              queues.length === 0
                ? "No target of this bus has a dead-letter queue (onDeliveryFailure)."
                : queues.flatMap(queueLines).join("\n"),
            );
          },
        )
        .command<TargetArgs & { id?: string[]; all?: boolean }>(
          "redrive",
          "Publish dead-lettered events to the bus again (at least once), and take them off the queue",
          (y2) =>
            targetOptions(y2)
              .option("id", { type: "string", array: true, describe: "The messages to re-drive" })
              .option("all", { type: "boolean", describe: "Every message of the queue (up to 100)" })
              .conflicts("id", "all")
              .example("$0 dead-letters redrive -p orders -s dev -b myEventBus -r myConsumer --all", ""),
          async (args) => {
            if (!args.all && !args.id?.length) throw new CliError("Give --id (one or more) or --all.", 2);
            const out = output(args);
            const { client } = await connect(args);
            const result = await client.deadLetters.redrive({
              path: busPath(args),
              body: { ...targetBody(args), ...(args.id?.length ? { ids: args.id } : {}) },
            });
            out.result(
              result,
              `Re-drove ${result.redriven} event(s) from the dead-letter queue of ${args.rule} to bus ${args.bus}.`,
            );
            if (result.notFound.length > 0) {
              // Said on stderr either way; with --json the result above already lists them.
              process.stderr.write(
                `Not in the queue (re-driven or purged already?): ${result.notFound.join(", ")}.\n`,
              );
              process.exitCode = 1;
            }
          },
        )
        .command<TargetArgs & { yes?: boolean }>(
          "purge",
          "Delete every message of a target's dead-letter queue",
          (y2) =>
            targetOptions(y2)
              .option("yes", { type: "boolean", describe: "Yes, delete them (required)" })
              .example("$0 dead-letters purge -p orders -s dev -b myEventBus -r myConsumer --yes", ""),
          async (args) => {
            if (!args.yes) {
              throw new CliError("Purging deletes every message of the queue for good: add --yes.", 2);
            }
            const out = output(args);
            const { client } = await connect(args);
            await client.deadLetters.purge({ path: busPath(args), body: targetBody(args) });
            out.result({ purged: true }, `Purged the dead-letter queue of ${args.rule}.`);
          },
        )
        .demandCommand(1, "Name a dead-letters command: list, redrive or purge."),
    )
    .command("drill", "Failure drills: make a target's deliveries fail (embedded default only)", (y) =>
      y
        .command<
          TargetArgs & { count?: number; probability?: number; errorCode?: string; errorMessage?: string }
        >(
          "inject",
          "Make deliveries to a target fail: every attempt, the next --count, or with --probability",
          (y2) =>
            targetOptions(y2)
              .option("count", { type: "number", describe: "Only the next N attempts fail (retries count)" })
              .option("probability", { type: "number", describe: "Each attempt fails with this probability" })
              .option("error-code", { type: "string", describe: "The error attempts fail with" })
              .option("error-message", { type: "string", describe: "Its message" })
              .conflicts("count", "probability")
              .example(
                `$0 drill inject -p orders -s dev -b myEventBus -r myConsumer --error-code Lambda.ServiceException`,
                "",
              )
              .example("$0 drill inject -p orders -s dev -b myEventBus -r myConsumer --count 2", ""),
          async (args) => {
            const out = output(args);
            const { client } = await connect(args);
            const mode: SetFailureDrill["mode"] =
              args.count !== undefined ? "count" : args.probability !== undefined ? "probability" : "always";
            const drill = await client.drills.set({
              path: busPath(args),
              body: {
                ...targetBody(args),
                mode,
                ...(args.count !== undefined ? { count: args.count } : {}),
                ...(args.probability !== undefined ? { probability: args.probability } : {}),
                ...(args.errorCode ? { errorCode: args.errorCode } : {}),
                ...(args.errorMessage ? { errorMessage: args.errorMessage } : {}),
              },
            });
            out.result(drill, `Drill on ${drillLine(drill)}.`);
          },
        )
        .command<TargetArgs>(
          "clear",
          "Deliveries to the target succeed again",
          (y2) =>
            targetOptions(y2).example("$0 drill clear -p orders -s dev -b myEventBus -r myConsumer", ""),
          async (args) => {
            const out = output(args);
            const { client } = await connect(args);
            await client.drills.clear({ path: busPath(args), query: targetBody(args) });
            out.result({ cleared: true }, `Cleared the failure drill on ${args.rule}.`);
          },
        )
        .command<BusArgs>(
          "list",
          "The failure drills on the bus's targets",
          (y2) => busOptions(y2).example("$0 drill list -p orders -s dev -b myEventBus", ""),
          async (args) => {
            const out = output(args);
            const { client } = await connect(args);
            const drills = await client.drills.list({ path: busPath(args) });
            out.result(drills, () =>
              drills.items.length === 0
                ? "No failure drill on this bus."
                : drills.items.map(drillLine).join("\n"),
            );
          },
        )
        .demandCommand(1, "Name a drill command: inject, clear or list."),
    );
}
