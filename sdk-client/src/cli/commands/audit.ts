/** `audit`: the team's audit record (maintainers and admins), newest first, narrowed by project or action. */
import type { Argv } from "yargs";
import type { AuditEntry } from "../../gen/types.gen.js";
import { connect, type GlobalArgs, output } from "../context.js";
import { teamOf } from "./shares.js";

interface AuditArgs extends GlobalArgs {
  team?: string;
  project?: string;
  action?: string;
  limit: number;
  cursor?: string;
}

const entryLine = (e: AuditEntry) =>
  `${e.at}  ${e.action.padEnd(22)} ${e.project ?? "-"}  ${Object.entries(e.target)
    .map(([k, v]) => `${k}=${v}`)
    .join(
      " ",
    )}  by ${e.actor.name}${e.actor.platformAdmin ? " (platform admin)" : ` (${e.actor.keyId})`}  [${e.requestId}]`;

export function auditCommands(cli: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return cli.command<AuditArgs>(
    "audit",
    "The team's audit record, newest first: who changed what, when, with which request",
    (y) =>
      y
        .option("team", { type: "string", describe: "The team (default: the key's)" })
        .option("project", { alias: "p", type: "string", describe: "Only entries about this project" })
        .option("action", { type: "string", describe: "Only this action, e.g. dead-letters.redrive" })
        .option("limit", { type: "number", default: 20, describe: "How many (1 to 100)" })
        .option("cursor", { type: "string", describe: "The next page: the cursor the last one gave" })
        .example("$0 audit -p orders", "")
        .example("$0 audit --action failure-drill.set --json | jq '.items[].actor.name'", ""),
    async (args) => {
      const out = output(args);
      const { client } = await connect(args);
      const page = await client.teams.listAudit({
        path: { team: await teamOf(client, args) },
        query: {
          limit: args.limit,
          ...(args.project ? { project: args.project } : {}),
          ...(args.action ? { action: args.action } : {}),
          ...(args.cursor ? { cursor: args.cursor } : {}),
        },
      });
      out.result(page, () =>
        page.items.length === 0 ? "Nothing recorded." : page.items.map(entryLine).join("\n"),
      );
      if (page.nextCursor) out.note(`More: --cursor ${page.nextCursor}`);
    },
  );
}
