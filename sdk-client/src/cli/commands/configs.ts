/** `validate` and `config push`: a config file checked (and stored), problems as compilers print them. */
import type { Argv } from "yargs";
import { SwitchyardError } from "../../errors.js";
import type { ProblemItem } from "../../gen/types.gen.js";
import { CliError, connect, type GlobalArgs, output, required } from "../context.js";
import { readTextFile } from "../input.js";
import { locatedProblem } from "../report-error.js";

interface FileArgs extends GlobalArgs {
  file: string;
  project?: string;
  stage?: string;
}

/** A 422 config-invalid: every problem as `file:line:column: path: message` on stdout, exit 1. */
function configProblems(err: unknown, file: string, json: boolean): never {
  if (err instanceof SwitchyardError && err.slug === "config-invalid") {
    if (json) process.stdout.write(`${JSON.stringify(err.problem, null, 2)}\n`);
    else for (const item of err.errors) process.stdout.write(`${locatedProblem(file, item)}\n`);
    throw new CliError(`${file}: ${err.errors.length} problem(s).`);
  }
  throw err;
}

const warningLines = (file: string, warnings: ProblemItem[]) =>
  warnings.map((w) => locatedProblem(file, w, "warning"));

/** Pushes the file as the project's next config version (or finds it is the latest already). */
export async function pushConfig(args: GlobalArgs, project: string, file: string) {
  const { client } = await connect(args);
  const text = await readTextFile(file);
  try {
    return await client.configs.create({ path: { project }, body: { config: text } });
  } catch (err) {
    return configProblems(err, file, args.json === true);
  }
}

export function configCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli
    .command<FileArgs>(
      "validate <file>",
      "Check a config without storing it; each problem printed as file:line:column: message",
      (y) =>
        y
          .positional("file", {
            type: "string",
            describe: "A Stacktape-compatible config (YAML or JSON)",
          })
          .option("project", { type: "string", describe: "Compile names for this project" })
          .option("stage", { type: "string", describe: "...and this stage" })
          .example("$0 validate examples/stacktape.yaml", "")
          .example("$0 validate stacktape.yaml --json | jq .template", ""),
      async (args) => {
        const out = output(args);
        const { client } = await connect(args);
        const text = await readTextFile(args.file);
        const result = await client.configs
          .validate({
            body: {
              config: text,
              ...(args.project ? { project: args.project } : {}),
              ...(args.stage ? { stage: args.stage } : {}),
            },
          })
          .catch((err: unknown) => configProblems(err, args.file, out.json));
        const resources = Object.keys(result.template.Resources ?? {}).length;
        out.result(result, `${args.file}: valid (${resources} CloudFormation resources)`);
      },
    )
    .command<GlobalArgs>("config", "Config versions of a project", (y) =>
      y
        .command<FileArgs>(
          "push <file>",
          "Store a config file as the project's next version (the latest again if it is unchanged)",
          (y2) =>
            y2
              .positional("file", { type: "string", describe: "The config (YAML or JSON)" })
              .option("project", { alias: "p", type: "string", describe: "Project (or SWITCHYARD_PROJECT)" })
              .example("$0 config push examples/stacktape.yaml --project orders", ""),
          async (args) => {
            const out = output(args);
            const project = required(args.project, "project");
            const version = await pushConfig(args, project, args.file);
            for (const line of warningLines(args.file, version.warnings)) out.note(line);
            out.result(version, `${project}: config version ${version.version}`);
          },
        )
        .demandCommand(1, "Name a config command: push."),
    );
}
