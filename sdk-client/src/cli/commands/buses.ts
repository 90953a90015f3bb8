/**
 * The live buses of a deployed stage: `publish`, `test-pattern`, `deliveries` (`--follow`), `metrics`,
 * `replay`, `replays list`.
 */
import { randomUUID } from "node:crypto";
import type { Argv } from "yargs";
import type { BusDeliveryCounts, Delivery, DeliveryCounts, Replay } from "../../gen/types.gen.js";
import { CliError, connect, type GlobalArgs, output, required } from "../context.js";
import { countsTable } from "../counts.js";
import { duration, jsonArgument, pointInTime } from "../input.js";

export interface BusArgs extends GlobalArgs {
  project?: string;
  stage?: string;
  bus?: string;
}

export const busOptions = <T>(y: Argv<T>) =>
  y
    .option("project", { alias: "p", type: "string", describe: "Project (or SWITCHYARD_PROJECT)" })
    .option("stage", { alias: "s", type: "string", describe: "Stage (or SWITCHYARD_STAGE)" })
    .option("bus", { alias: "b", type: "string", describe: "The bus's resource name in the config" });

export const busPath = (args: BusArgs) => ({
  project: required(args.project, "project"),
  stage: required(args.stage, "stage"),
  bus: required(args.bus, "bus"),
});

/** What happened when attempts failed (a failure drill): the outcome, the attempts and the error. */
const outcomeOf = (d: Delivery) =>
  d.outcome
    ? `  [${d.outcome} after ${d.attempts} attempt(s)${d.error ? `: ${d.error.code}: ${d.error.message}` : ""}]`
    : "";

const deliveryLine = (d: Delivery) =>
  `${d.deliveredAt}  ${d.rule}  ${d.eventId}${d.replayName ? `  (replay ${d.replayName})` : ""}${outcomeOf(d)}  ${d.input}`;

const replayLine = (r: Replay) =>
  `${r.name}  ${r.state.padEnd(10)} ${String(Math.round(r.progress * 100)).padStart(3)}%  ${r.from} .. ${r.to}` +
  `${r.rules?.length ? `  rules ${r.rules.join(",")}` : ""}${r.startedBy ? `  by ${r.startedBy}` : ""}` +
  `${r.stateReason ? `  (${r.stateReason})` : ""}`;

interface WindowArgs {
  since?: string;
  from?: string;
  to?: string;
}

/** `--since` or `--from`/`--to` as the API's `from`/`to` (absent: the API's default, the last hour). */
function windowQuery(args: WindowArgs): { from?: string; to?: string } {
  const now = Date.now();
  const from = args.since
    ? new Date(now - duration(args.since, "since"))
    : args.from
      ? pointInTime(args.from, "from", now)
      : undefined;
  const to = args.to ? pointInTime(args.to, "to", now) : undefined;
  return { ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) };
}

const windowOptions = <T>(y: Argv<T>) =>
  y
    .option("since", { type: "string", describe: "The last 10m, 2h, 1d (default: the last hour)" })
    .option("from", { type: "string", describe: "Start: ISO 8601 time, or a duration ago (10m)" })
    .option("to", { type: "string", describe: "End: ISO 8601 time, or a duration ago (default: now)" })
    .conflicts("since", ["from", "to"]);

const ALL_COUNTS = ["matched", "delivered", "failed", "deadLettered", "throttled"] as const;

/** Each rule's counts, then each of its targets' (`-` where AWS counts per rule only). */
function deliveryCountLines(c: BusDeliveryCounts): string[] {
  const rows = c.rules.flatMap((r) => [
    { rule: r.rule, counts: r.counts as DeliveryCounts | undefined },
    ...r.targets.map((t) => ({ rule: `  → ${t.targetId}`, counts: t.counts })),
  ]);
  return [
    `${c.from} .. ${c.to}`,
    ...(rows.length === 0
      ? ["  no rule"]
      : countsTable(rows, ALL_COUNTS, (r, k) => (r.counts ? String(r.counts[k]) : "-"))),
  ];
}

const TERMINAL_REPLAY = ["COMPLETED", "CANCELLED", "FAILED"];

export function busCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli
    .command<BusArgs & { source?: string; detailType?: string; detail?: string; entries?: string }>(
      "publish",
      "Publish an event to a deployed bus (or up to 10 with --entries)",
      (y) =>
        busOptions(y)
          .option("source", { type: "string", describe: "The event's source" })
          .option("detail-type", { type: "string", describe: "The event's detail-type" })
          .option("detail", {
            type: "string",
            default: "{}",
            describe: "The detail: JSON, or @file",
          })
          .option("entries", {
            type: "string",
            describe: 'Entries as a JSON array ([{"source","detail-type","detail"}]), or @file',
          })
          .conflicts("entries", ["source", "detail-type"])
          .example(
            `$0 publish -p orders -s dev -b myEventBus --source my.app --detail-type budget --detail '{"EventName":"BUDGET_ANALYSIS"}'`,
            "",
          ),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        let body: string;
        if (args.entries) {
          body = `{"entries":${await jsonArgument(args.entries, "entries")}}`;
        } else {
          if (!args.source || !args.detailType) {
            throw new CliError("Give --source and --detail-type (or --entries).", 2);
          }
          const detail = await jsonArgument(args.detail ?? "{}", "detail");
          // Built as text so the detail's numbers reach the bus digit for digit.
          body = `{"entries":[{"source":${JSON.stringify(args.source)},"detail-type":${JSON.stringify(args.detailType)},"detail":${detail}}]}`;
        }
        const result = await client.buses.publish({
          path: busPath(args),
          body: body as never,
          bodySerializer: (b: unknown) => b as string,
        });
        out.result(result, () =>
          result.entries
            .map((e) =>
              "eventId" in e ? `published ${e.eventId}` : `failed: ${e.errorCode}: ${e.errorMessage}`,
            )
            .join("\n"),
        );
        if (result.failedEntryCount > 0) throw new CliError(`${result.failedEntryCount} entry(ies) failed.`);
      },
    )
    .command<GlobalArgs & { pattern: string; event: string }>(
      "test-pattern",
      "Whether an EventBridge pattern matches an event (exit 0: it matches, 1: it does not)",
      (y) =>
        y
          .option("pattern", {
            type: "string",
            demandOption: true,
            describe: "The pattern: JSON, or @file",
          })
          .option("event", { type: "string", demandOption: true, describe: "The event: JSON, or @file" })
          .example(
            `$0 test-pattern --pattern '{"detail":{"EventName":["BUDGET_ANALYSIS"]}}' --event @event.json`,
            "",
          ),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        // Sent as text: big numbers in either stay exact.
        const pattern = await jsonArgument(args.pattern, "pattern");
        const event = await jsonArgument(args.event, "event");
        const result = await client.patterns.test({ body: { pattern, event } });
        out.result(result, result.matches ? "matches" : "does not match");
        if (!result.matches) process.exitCode = 1;
      },
    )
    .command<
      BusArgs &
        WindowArgs & { rule?: string; limit: number; follow?: boolean; interval: string; counts?: boolean }
    >(
      "deliveries",
      "What the bus's rules delivered to their targets, oldest first (local engine only); --counts: per rule and target over a window (both)",
      (y) =>
        windowOptions(busOptions(y))
          .option("rule", {
            alias: "r",
            type: "string",
            describe: "Only this rule: myConsumer, myConsumer.1 (its events[1]) or the physical name",
          })
          .option("limit", { type: "number", default: 20, describe: "How many of the newest to show first" })
          .option("follow", {
            alias: "f",
            type: "boolean",
            describe: "Keep printing new deliveries (Ctrl-C stops)",
          })
          .option("interval", { type: "string", default: "1s", describe: "With --follow: how often to look" })
          .option("counts", {
            type: "boolean",
            describe: "Counts per rule and target over a window (--since, --from/--to), on AWS too",
          })
          .conflicts("counts", "follow")
          .example("$0 deliveries -p orders -s dev -b myEventBus --rule myConsumerBatchJob", "")
          .example("$0 deliveries -p orders -s dev -b myEventBus --counts --since 1d", "")
          .example("$0 deliveries -p orders -s dev -b myEventBus --follow --json", ""),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        const path = busPath(args);
        if (args.counts) {
          const counts = await client.buses.deliveryCounts({
            path,
            query: { ...windowQuery(args), ...(args.rule ? { rule: args.rule } : {}) },
          });
          out.result(counts, () => deliveryCountLines(counts).join("\n"));
          if (counts.truncated) out.note("More rules than one request counts: name one with --rule.");
          return;
        }
        if (args.since || args.from || args.to)
          throw new CliError("--since, --from and --to go with --counts.", 2);
        const read = (limit: number) =>
          client.buses.deliveries({ path, query: { limit, ...(args.rule ? { rule: args.rule } : {}) } });
        const first = await read(Math.min(Math.max(args.limit, 1), 100));
        if (!args.follow) {
          out.result(first, () => [...first.items].reverse().map(deliveryLine).join("\n"));
          return;
        }
        // Following: one line (or one JSON object) per delivery, as they come. Delivery ids are
        // ULIDs, ordered by time: what is newer than the newest printed is new.
        const print = (d: Delivery) =>
          process.stdout.write(`${out.json ? JSON.stringify(d) : deliveryLine(d)}\n`);
        let newest = first.items[0]?.id ?? "";
        for (const d of [...first.items].reverse()) print(d);
        const every = duration(args.interval, "interval");
        let stopped = false;
        const stop = () => {
          stopped = true;
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        while (!stopped) {
          await new Promise((r) => setTimeout(r, every));
          if (stopped) break;
          const fresh = (await read(100)).items.filter((d) => d.id > newest).reverse();
          for (const d of fresh) print(d);
          newest = fresh.at(-1)?.id ?? newest;
        }
      },
    )
    .command<BusArgs & WindowArgs>(
      "metrics",
      "Per rule of the bus: matched, delivered, failed, dead-lettered, throttled over a window",
      (y) => windowOptions(busOptions(y)).example("$0 metrics -p orders -s dev -b myEventBus --since 1d", ""),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        const metrics = await client.buses.metrics({ path: busPath(args), query: windowQuery(args) });
        out.result(metrics, () =>
          [
            `${metrics.from} .. ${metrics.to}`,
            ...(metrics.rules.length === 0
              ? ["  no rule"]
              : countsTable(metrics.rules, ALL_COUNTS, (r, k) => String(r.counts[k]))),
          ].join("\n"),
        );
      },
    )
    .command<
      BusArgs & {
        from?: string;
        to?: string;
        since?: string;
        rule?: string[];
        wait?: boolean;
        timeout: string;
      }
    >(
      "replay",
      "Replay the bus's archived events of a time window to its rules",
      (y) =>
        busOptions(y)
          .option("since", { type: "string", describe: "The last 10m, 2h, 1d (from then until now)" })
          .option("from", { type: "string", describe: "Start: ISO 8601 time, or a duration ago (10m)" })
          .option("to", { type: "string", describe: "End: ISO 8601 time, or a duration ago (default: now)" })
          .option("rule", {
            alias: "r",
            type: "string",
            array: true,
            describe: "Only to these rules (physical names)",
          })
          .option("wait", {
            alias: "w",
            type: "boolean",
            describe: "Wait until it ends; exit 0 only if COMPLETED",
          })
          .option("timeout", { type: "string", default: "15m", describe: "Give up waiting after this long" })
          .conflicts("since", ["from", "to"])
          .example("$0 replay -p orders -s dev -b myEventBus --since 1h --wait", ""),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        const path = busPath(args);
        const now = Date.now();
        if (!args.since && !args.from) throw new CliError("Give --since, or --from (and --to).", 2);
        const from = args.since
          ? new Date(now - duration(args.since, "since"))
          : pointInTime(args.from!, "from", now);
        const to = args.to ? pointInTime(args.to, "to", now) : new Date(now);
        let replay = await client.replays.create({
          path,
          headers: { "Idempotency-Key": randomUUID() },
          body: {
            from: from.toISOString(),
            to: to.toISOString(),
            ...(args.rule ? { rules: args.rule } : {}),
          },
        });
        out.note(`Replay ${replay.name}: ${replay.state} (${replay.from} .. ${replay.to})`);
        if (args.wait) {
          const deadline = Date.now() + duration(args.timeout, "timeout");
          while (!TERMINAL_REPLAY.includes(replay.state)) {
            if (Date.now() > deadline) throw new CliError(`Gave up waiting for replay ${replay.name}.`);
            await new Promise((r) => setTimeout(r, 500));
            replay = await client.replays.get({ path: { ...path, name: replay.name } });
          }
        }
        out.result(
          replay,
          `Replay ${replay.name}: ${replay.state}${replay.stateReason ? ` (${replay.stateReason})` : ""}`,
        );
        if (args.wait && replay.state !== "COMPLETED") throw new CliError(`Replay ${replay.state}`);
      },
    )
    .command("replays", "The bus's replays", (y) =>
      y
        .command<BusArgs & { limit: number; cursor?: string }>(
          "list",
          "The bus's replays, newest first: state, progress, window, who started them",
          (y2) =>
            busOptions(y2)
              .option("limit", { type: "number", default: 20, describe: "How many (1 to 100)" })
              .option("cursor", { type: "string", describe: "The next page: the cursor the last one gave" })
              .example("$0 replays list -p orders -s dev -b myEventBus", ""),
          async (args) => {
            const out = output(args);
            const { client } = await connect(args);
            const page = await client.replays.list({
              path: busPath(args),
              query: { limit: args.limit, ...(args.cursor ? { cursor: args.cursor } : {}) },
            });
            out.result(page, () =>
              page.items.length === 0 ? "No replay of this bus yet." : page.items.map(replayLine).join("\n"),
            );
            if (page.nextCursor) out.note(`More: --cursor ${page.nextCursor}`);
          },
        )
        .demandCommand(1, "Name a replays command: list."),
    );
}
