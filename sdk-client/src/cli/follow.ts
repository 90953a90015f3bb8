/**
 * Following a deployment to its end through its server-sent event stream (the stream closes after
 * about 25 s, so it is reopened from the last event seen), reporting each stack event: a spinner
 * with the latest event on a terminal, one plain line per event otherwise (CI logs, pipes).
 */
import type { Ora } from "ora";
import { SwitchyardError } from "../errors.js";
import type { Deployment, StackEvent } from "../gen/types.gen.js";
import type { SwitchyardClient } from "../index.js";
import { CliError } from "./context.js";

export interface ProgressReporter {
  event(event: StackEvent): void;
  done(deployment: Deployment): void;
}

const what = (d: Pick<Deployment, "kind" | "project" | "stage" | "configVersion">) =>
  `${d.kind === "teardown" ? "Teardown" : d.kind === "rollback" ? "Rollback" : d.kind === "continue-rollback" ? "Continue-rollback" : "Deployment"} of ${d.project}/${d.stage}${d.configVersion !== undefined ? ` (config version ${d.configVersion})` : ""}`;

export function summary(d: Deployment): string {
  const lines = [`${what(d)}: ${d.status}${d.noop ? " (nothing changed)" : ""}  [${d.id}]`];
  if (d.reason && d.status !== "SUCCEEDED") lines.push(`  ${d.reason}`);
  return lines.join("\n");
}

const eventLine = (e: StackEvent) =>
  `${e.status.padEnd(20)} ${e.resourceType.padEnd(34)} ${e.logicalId}${e.reason ? `  ${e.reason}` : ""}`;

const failed = (e: StackEvent) => e.status.endsWith("_FAILED");
const settled = (e: StackEvent) => e.status.endsWith("_COMPLETE") || failed(e);

/** One line per stack event, for logs. */
export function plainReporter(write: (line: string) => void): ProgressReporter {
  return { event: (e) => write(`  ${eventLine(e)}`), done: () => {} };
}

/** A spinner naming the latest event; settled resources stay above it as lines. */
export async function spinnerReporter(started: Deployment): Promise<ProgressReporter> {
  const { default: ora } = await import("ora");
  const spinner: Ora = ora({ text: `${what(started)}: ${started.status}`, stream: process.stderr }).start();
  const done = new Set<string>();
  return {
    event(e) {
      if (settled(e)) {
        done.add(e.logicalId);
        spinner.stopAndPersist({ symbol: failed(e) ? "✖" : "✔", text: eventLine(e) });
        spinner.start();
      }
      spinner.text = `${what(started)}: ${done.size} resource(s) done; ${e.logicalId} ${e.status}`;
    },
    done(d) {
      if (d.status === "SUCCEEDED") spinner.succeed(summary(d));
      else spinner.fail(summary(d));
    },
  };
}

const isNetworkError = (err: unknown) => err instanceof TypeError && !(err instanceof SwitchyardError);

/** Follows the deployment until it ends; throws a CliError after `timeoutMs`. */
export async function followDeployment(
  client: SwitchyardClient,
  started: Deployment,
  reporter: ProgressReporter,
  timeoutMs: number,
): Promise<Deployment> {
  // An ended deployment's stream sends its events and `end` at once: it is followed the same way.
  if (started.noop) return started;
  const deadline = Date.now() + timeoutMs;
  let lastEventId: string | undefined;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new CliError(
        `Gave up waiting after ${Math.round(timeoutMs / 1000)} s; the deployment goes on: switchyard status ${started.id}`,
      );
    }
    try {
      const stream = client.deploymentEvents(started.id, {
        signal: AbortSignal.timeout(left),
        ...(lastEventId ? { lastEventId } : {}),
      });
      for await (const item of stream) {
        if (item.type === "end") return item.deployment;
        lastEventId = item.event.id;
        reporter.event(item.event);
      }
      // The server closed the stream before the end (it does every ~25 s): open it again.
    } catch (err) {
      if ((err as Error).name === "TimeoutError") continue;
      // A dropped connection (a proxy, a restart) is retried until the deadline; API errors are not.
      if (!isNetworkError(err)) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
