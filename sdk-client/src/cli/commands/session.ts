/** `login`, `logout`, `whoami`: where the CLI talks to, with which key. */
import type { Argv } from "yargs";
import { CliError, connect, type GlobalArgs, output } from "../context.js";
import { configDir, loginFile, removeLogin, writeLogin } from "../credentials.js";
import { readStdin } from "../input.js";

const who = (c: { name: string; platformAdmin: boolean; team?: string; role?: string }) =>
  c.platformAdmin ? `${c.name} (platform admin)` : `${c.name} (team ${c.team}, ${c.role})`;

interface LoginArgs extends GlobalArgs {
  apiKeyStdin?: boolean;
}

export function sessionCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli
    .command<LoginArgs>(
      "login",
      "Check a URL and API key against the server and store them for later commands",
      (y) =>
        y
          .option("api-key-stdin", {
            type: "boolean",
            describe: "Read the API key from stdin (keeps it out of shell history)",
          })
          .example("$0 login --url https://switchyard.example.com --api-key-stdin < key.txt", "")
          .example("SWITCHYARD_URL=http://127.0.0.1:3000 SWITCHYARD_API_KEY=sy_... $0 login", ""),
      async (args) => {
        const out = output(args);
        const url = args.url || process.env.SWITCHYARD_URL;
        if (!url) throw new CliError("Missing --url (or SWITCHYARD_URL).", 2);
        const apiKey = args.apiKeyStdin
          ? (await readStdin()).trim()
          : args.apiKey || process.env.SWITCHYARD_API_KEY;
        if (!apiKey) throw new CliError("Missing --api-key, --api-key-stdin (or SWITCHYARD_API_KEY).", 2);
        const { client } = await connect({ ...args, url, apiKey });
        const me = await client.whoami.get();
        const file = loginFile();
        await writeLogin({ url, apiKey }, file);
        out.result(
          { url, caller: me, savedTo: file },
          `Logged in to ${url} as ${who(me)}; saved to ${file}.`,
        );
      },
    )
    .command<GlobalArgs>(
      "logout",
      "Forget the stored URL and API key",
      (y) => y,
      async (args) => {
        const file = loginFile();
        const removed = await removeLogin(file);
        output(args).result(
          { removed, file },
          removed ? `Removed ${file}.` : `Nothing stored (${configDir()}).`,
        );
      },
    )
    .command<GlobalArgs>(
      "whoami",
      "Show which key the CLI uses: its name, team and role",
      (y) => y,
      async (args) => {
        const { client, url } = await connect(args);
        const me = await client.whoami.get();
        output(args).result(me, `${who(me)} at ${url}`);
      },
    );
}
