/** `share grant|list|revoke`: the key's team's bus shares (another team's for platform admins, `--team`). */
import type { Argv } from "yargs";
import type { BusShare } from "../../gen/types.gen.js";
import type { SwitchyardClient } from "../../index.js";
import { CliError, connect, type GlobalArgs, output, required } from "../context.js";

interface ShareArgs extends GlobalArgs {
  team?: string;
}

interface GrantArgs extends ShareArgs {
  project?: string;
  stage?: string;
  bus?: string;
  with: string;
  access: string[];
}

interface RevokeArgs extends ShareArgs {
  id: string;
}

/** `--team`, else the key's own team. */
export async function teamOf(client: SwitchyardClient, args: ShareArgs): Promise<string> {
  if (args.team) return args.team;
  const me = await client.whoami.get();
  if (!me.team) throw new CliError("A platform-admin key belongs to no team: pass --team.", 2);
  return me.team;
}

const line = (s: BusShare, other: string) => `${s.id}  ${s.ref}  ${other}  ${s.access.join(",")}`;

export function shareCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command<ShareArgs>("share", "Bus shares: share a deployed bus with another team", (y) =>
    y
      .option("team", { type: "string", describe: "The team (default: the key's)" })
      .command<GrantArgs>(
        "grant",
        "Share a deployed bus of the team with another team, to subscribe and/or publish",
        (y2) =>
          y2
            .option("project", { alias: "p", type: "string", describe: "Project (or SWITCHYARD_PROJECT)" })
            .option("stage", { alias: "s", type: "string", describe: "Stage (or SWITCHYARD_STAGE)" })
            .option("bus", { alias: "b", type: "string", describe: "The bus's resource name" })
            .option("with", { type: "string", demandOption: true, describe: "The team to share it with" })
            .option("access", {
              type: "array",
              string: true,
              choices: ["subscribe", "publish"],
              default: ["subscribe"],
              describe: "What the other team may do",
            })
            .example("$0 share grant -p orders -s dev -b myEventBus --with search --access subscribe", ""),
        async (args) => {
          const out = output(args);
          const { client } = await connect(args);
          const share = await client.shares.grant({
            path: { team: await teamOf(client, args) },
            body: {
              project: required(args.project, "project"),
              stage: required(args.stage, "stage"),
              bus: required(args.bus, "bus"),
              sharedWith: args.with,
              access: [...new Set(args.access)] as BusShare["access"],
            },
          });
          out.result(
            share,
            `Shared ${share.ref} with team ${share.sharedWith} to ${share.access.join(" and ")} (share ${share.id}).`,
          );
        },
      )
      .command<ShareArgs>(
        "list",
        "The buses the team shared (given) and the buses shared with it (held)",
        (y2) => y2.example("$0 share list --json | jq '.held[].ref'", ""),
        async (args) => {
          const out = output(args);
          const { client } = await connect(args);
          const team = await teamOf(client, args);
          const [given, held] = await Promise.all([
            client.shares.listGiven({ path: { team } }),
            client.shares.listHeld({ path: { team } }),
          ]);
          out.result({ given: given.items, held: held.items }, () =>
            [
              `Given (${given.items.length}):`,
              ...given.items.map((s) => `  ${line(s, `with ${s.sharedWith}`)}`),
              `Held (${held.items.length}):`,
              ...held.items.map((s) => `  ${line(s, `from ${s.owner}`)}  ${s.arn}`),
            ].join("\n"),
          );
        },
      )
      .command<RevokeArgs>(
        "revoke <id>",
        "Revoke a share the team gave; prints the other team's stages that still use it",
        (y2) =>
          y2
            .positional("id", { type: "string", demandOption: true, describe: "The share's id" })
            .example("$0 share revoke 01JD5Z3M9X2Q8R7T6Y5W4V3Q2S", ""),
        async (args) => {
          const out = output(args);
          const { client } = await connect(args);
          const result = await client.shares.revoke({
            path: { team: await teamOf(client, args), id: args.id },
          });
          const still = result.stillUsedBy.map((s) => `${s.project}/${s.stage}`);
          out.result(
            result,
            `Revoked ${result.share.ref} for team ${result.share.sharedWith}.` +
              (still.length
                ? ` Still used by its stages ${still.join(", ")}: their rules stay until each is deployed again or torn down.`
                : " No stage of that team uses it."),
          );
        },
      )
      .demandCommand(1, "Name a share command: grant, list or revoke."),
  );
}
