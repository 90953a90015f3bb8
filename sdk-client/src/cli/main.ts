/**
 * `switchyard`: the Switchyard API from a shell or a pipeline, on the generated client. Arguments,
 * help and shell completion by yargs; progress by ora on a terminal, plain lines elsewhere.
 * Exit codes: 0 done (a deployment SUCCEEDED, a pattern matched), 1 failed, 2 wrong usage.
 */
import { createRequire } from "node:module";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { auditCommands } from "./commands/audit.js";
import { busCommands } from "./commands/buses.js";
import { configCommands } from "./commands/configs.js";
import { failureCommands } from "./commands/failures.js";
import { sessionCommands } from "./commands/session.js";
import { shareCommands } from "./commands/shares.js";
import { stageCommands } from "./commands/stages.js";
import { CliError, type GlobalArgs } from "./context.js";
import { reportError } from "./report-error.js";

// src/cli/main.ts and dist/cli/main.js both sit two folders below the package.
const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };
const argv = hideBin(process.argv);
const wantsJson = argv.includes("--json");

let cli = yargs(argv)
  .scriptName("switchyard")
  .usage(
    "$0 <command> [options]\n\nThe Switchyard API from a shell or a pipeline. Connects to --url / SWITCHYARD_URL with " +
      "--api-key / SWITCHYARD_API_KEY, or what `switchyard login` stored.",
  )
  .option("url", { type: "string", global: true, describe: "Switchyard's URL (or SWITCHYARD_URL)" })
  .option("api-key", { type: "string", global: true, describe: "An API key, sy_... (or SWITCHYARD_API_KEY)" })
  .option("json", { type: "boolean", global: true, describe: "Print results as JSON on stdout" })
  .option("quiet", { alias: "q", type: "boolean", global: true, describe: "No progress lines on stderr" })
  .group(["url", "api-key", "json", "quiet", "help", "version"], "Global options:") as Argv<GlobalArgs>;
cli = sessionCommands(cli);
cli = configCommands(cli);
cli = stageCommands(cli);
cli = busCommands(cli);
cli = failureCommands(cli);
cli = shareCommands(cli);
cli = auditCommands(cli);

cli
  .completion(
    "completion",
    "Print a bash/zsh completion script (add `source <(switchyard completion)` to ~/.bashrc)",
  )
  .demandCommand(1, "Name a command (switchyard --help lists them).")
  .strict()
  .recommendCommands()
  .version(version)
  .alias("help", "h")
  .wrap(Math.min(110, process.stdout.columns || 100))
  .epilogue(
    "Exit codes: 0 done, 1 failed (an API error, a deployment that did not succeed, a pattern that does not match), " +
      '2 wrong usage.\nDocs: the README\'s "The switchyard CLI" section.',
  )
  .fail((message: string | undefined, err: Error | undefined) => {
    if (err) throw err;
    throw new CliError(`${message}\nRun \`switchyard --help\` for usage.`, 2);
  });

try {
  await cli.parseAsync();
} catch (err) {
  process.exitCode = reportError(err, { json: wantsJson, url: process.env.SWITCHYARD_URL });
}
