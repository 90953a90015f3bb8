/**
 * What a team's stacks may reach outside its namespace (the allow-list platform admins keep), and
 * the team's audit record.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requirePlatformAdmin, requireTeamRole, teamNotFound } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { text } from "../http/text.js";
import { type AllowedResources, AllowedResourcesChangedError } from "../store/index.js";
import { recordAudit } from "./audit.js";
import { TeamNameSchema } from "./names.js";

const TeamParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
});

/** Most patterns a team may have: each is tried against every ARN of every deployment. */
const MAX_ALLOWED = 50;

const ArnPatternSchema = text({
  max: 512,
  pattern: /^arn:[a-z*-]+:[a-z0-9*-]+:[a-z0-9*-]*:(\d{12}|\*|aws)?:\S+$/,
  rule: "an ARN, `*` matching any run of characters: arn:<partition>:<service>:<region>:<account>:<resource>",
}).openapi({ example: "arn:aws:events:eu-west-1:123456789012:event-bus/default" });

const AllowedResourcesSchema = z
  .object({
    team: TeamNameSchema,
    arns: z.array(ArnPatternSchema).openapi({
      description:
        "ARN patterns the team's stacks may name although they lie outside its namespace (`*` matches any run of characters): partner event buses, the account's default bus, resources of other accounts.",
    }),
    updatedAt: z.string().optional().openapi({ format: "date-time" }),
    updatedBy: z.string().optional().openapi({ description: "Key id of the admin who set them." }),
  })
  .openapi("AllowedResources");

const PutAllowedResourcesSchema = z
  .object({
    arns: z
      .array(ArnPatternSchema)
      .max(MAX_ALLOWED)
      .refine((arns) => new Set(arns).size === arns.length, "ARN patterns must not repeat.")
      .openapi({ uniqueItems: true }),
  })
  .strict()
  .openapi("PutAllowedResources", {
    example: {
      arns: [
        "arn:aws:events:eu-west-1:123456789012:event-bus/default",
        "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/example.com/*",
      ],
    },
  });

export const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ description: "ULID; entries are listed newest first." }),
    team: TeamNameSchema.optional().openapi({ description: "The team whose record this is." }),
    teams: z.array(TeamNameSchema).optional().openapi({
      description: "In the platform's record (`GET /v1/audit`): every team the entry concerns.",
    }),
    project: z.string().optional().openapi({ description: "The project it concerns, if any." }),
    at: z.string().openapi({ format: "date-time" }),
    actor: z.object({
      keyId: z.string(),
      name: z.string(),
      team: z.string().optional(),
      platformAdmin: z.boolean(),
    }),
    action: z.string().openapi({
      description:
        "What happened, `<thing>.<verb>`: `project.create`, `project.delete`, `config.create`, `deployment.deploy`, `deployment.rollback`, `deployment.teardown`, `deployment.continue-rollback`, `api-key.create`, `api-key.revoke`, `team.create`, `allowed-resources.update`, `global-alarms.update`, `domain.register`, `domain.remove`, `network-settings.update`, `replay.start`, `replay.cancel`, `bus-share.grant`, `bus-share.revoke`, ...",
      example: "deployment.deploy",
    }),
    target: z
      .record(z.string(), z.string())
      .openapi({ example: { kind: "bus-share", id: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S" } }),
    requestId: z.string().openapi({ description: "The `X-Request-Id` of the request that did it." }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("AuditEntry");

const ActionQuery = z
  .string()
  .regex(/^[a-z-]{1,40}\.[a-z-]{1,40}$/, "an action, `<thing>.<verb>`")
  .optional()
  .openapi({ param: { name: "action", in: "query" }, example: "deployment.deploy" });

const AuditQuerySchema = PageQuerySchema.extend({
  project: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "a project name")
    .optional()
    .openapi({ param: { name: "project", in: "query" }, description: "Only entries about this project." }),
  action: ActionQuery.openapi({ description: "Only this action." }),
});

const PlatformAuditQuerySchema = PageQuerySchema.extend({
  action: ActionQuery.openapi({ description: "Only this action." }),
});

const etagHeaders = {
  ETag: { schema: { type: "string" as const }, description: "Send it as If-Match with the next PUT." },
};

const getAllowedRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/allowed-resources",
  operationId: "teams.getAllowedResources",
  tags: ["Teams"],
  summary: "External resources the team's stacks may name",
  description: "Any member of the team, or a platform admin.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: { ...jsonContent(AllowedResourcesSchema, "The team's allow-list."), headers: etagHeaders },
    ...problemResponses(400, 401, 404),
  },
});

const putAllowedRoute = createRoute({
  method: "put",
  path: "/v1/teams/{team}/allowed-resources",
  operationId: "teams.putAllowedResources",
  tags: ["Teams"],
  summary: "Set the external resources the team's stacks may name",
  description: `Platform admins only. Replaces the list (at most ${MAX_ALLOWED} patterns); deployments from now on are checked against it, and the change is in the team's audit record. \`If-Match\` (the ETag of a GET) guards against lost updates (412 when stale).`,
  ...access.platformAdmin(),
  request: {
    params: TeamParamsSchema,
    headers: z.object({
      "if-match": z.string().optional().openapi({ description: "The ETag of the list last read." }),
    }),
    body: jsonBody(PutAllowedResourcesSchema),
  },
  responses: {
    200: { ...jsonContent(AllowedResourcesSchema, "The list now in force."), headers: etagHeaders },
    ...problemResponses(400, 401, 403, 404, 412),
  },
});

const listAuditRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/audit",
  operationId: "teams.listAudit",
  tags: ["Teams"],
  summary: "The team's audit record",
  description:
    "Maintainers and admins of the team, or a platform admin. Every change of state in the team (projects, config versions, deployments, rollbacks, teardowns, API keys, replays, bus shares, allow-list changes): who, when, what and the request id, newest first, paged; `project` and `action` narrow it (each a Query of its own). Entries name things and say what changed, never a secret.",
  ...access.team("maintainer"),
  request: { params: TeamParamsSchema, query: AuditQuerySchema },
  responses: {
    200: jsonContent(pageSchema(AuditEntrySchema, "AuditPage"), "A page of entries."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const listPlatformAuditRoute = createRoute({
  method: "get",
  path: "/v1/audit",
  operationId: "audit.list",
  tags: ["Teams"],
  summary: "Every team's audit record, and the platform's",
  description:
    "Platform admins only. Every entry of every team (each once, with `teams`), and changes to the platform itself (teams created, network settings), newest first, paged; `action` narrows it.",
  ...access.platformAdmin(),
  request: { query: PlatformAuditQuerySchema },
  responses: {
    200: jsonContent(pageSchema(AuditEntrySchema, "PlatformAuditPage"), "A page of entries."),
    ...problemResponses(400, 401, 403),
  },
});

const etagOf = (revision: number) => `"allowed-${revision}"`;

const body = (a: AllowedResources) => ({
  team: a.team,
  arns: a.arns,
  ...(a.updatedAt ? { updatedAt: a.updatedAt, updatedBy: a.updatedBy } : {}),
});

export function teamAccessRoutes(app: App, deps: AppDeps): void {
  async function requireTeam(team: string) {
    if (!(await deps.store.teams.get(team))) throw teamNotFound(team);
  }

  app.openapi(getAllowedRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    const allowed = await deps.store.allowedResources.get(team);
    return c.json(body(allowed), 200, { etag: etagOf(allowed.revision) });
  });

  app.openapi(putAllowedRoute, async (c) => {
    requirePlatformAdmin(c);
    const { team } = c.req.valid("param");
    await requireTeam(team);
    const { arns } = c.req.valid("json");
    const ifMatch = c.req.valid("header")["if-match"];
    const before = await deps.store.allowedResources.get(team);
    let expect: number | undefined;
    if (ifMatch !== undefined) {
      const tags = ifMatch.split(",").map((t) => t.trim());
      if (!tags.includes("*") && !tags.includes(etagOf(before.revision)))
        throw problems.preconditionFailed(
          `If-Match does not match: the list is at ETag ${etagOf(before.revision)}.`,
        );
      expect = before.revision;
    }
    const caller = callerOf(c);
    const now = deps.now().toISOString();
    let saved: AllowedResources;
    try {
      saved = await deps.store.allowedResources.put(
        team,
        { arns, updatedAt: now, updatedBy: caller.keyId },
        expect,
      );
    } catch (err) {
      if (err instanceof AllowedResourcesChangedError) {
        throw problems.preconditionFailed(
          `If-Match does not match: the list is now at ETag ${etagOf(err.current.revision)}.`,
        );
      }
      throw err;
    }
    await recordAudit(c, deps, {
      teams: [team],
      action: "allowed-resources.update",
      target: { kind: "allowed-resources", id: team },
      details: {
        added: arns.filter((a) => !before.arns.includes(a)),
        removed: before.arns.filter((a) => !arns.includes(a)),
      },
    });
    c.get("log").info("allowed resources set", { team, count: arns.length, revision: saved.revision });
    return c.json(body(saved), 200, { etag: etagOf(saved.revision) });
  });

  app.openapi(listAuditRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "maintainer");
    await requireTeam(team);
    const { limit, cursor, project, action } = c.req.valid("query");
    const filter = { ...(project ? { project } : {}), ...(action ? { action } : {}) };
    return c.json(
      await readPage(() => deps.store.audit.list(team, { limit, ...(cursor ? { cursor } : {}), ...filter })),
      200,
    );
  });

  app.openapi(listPlatformAuditRoute, async (c) => {
    requirePlatformAdmin(c);
    const { limit, cursor, action } = c.req.valid("query");
    return c.json(
      await readPage(() =>
        deps.store.audit.listAll({ limit, ...(cursor ? { cursor } : {}), ...(action ? { action } : {}) }),
      ),
      200,
    );
  });
}
