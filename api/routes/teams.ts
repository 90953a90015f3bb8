import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requirePlatformAdmin, requireTeamRole, teamNotFound } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { idempotent } from "../http/idempotency.js";
import { idempotencyKeyHeader, jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { text } from "../http/text.js";
import { FREE_TEXT, FREE_TEXT_RULE } from "../identifier.js";
import { NamespaceTakenError, TeamExistsError } from "../store/index.js";
import { NAMESPACE_ID, NAMESPACE_MAX } from "../teams/namespace.js";
import { recordAudit } from "./audit.js";
import { NewTeamNameSchema, TeamNameSchema } from "./names.js";

const NamespaceSchema = z
  .string()
  .min(1)
  .max(NAMESPACE_MAX)
  .regex(NAMESPACE_ID, "lowercase letters and digits in words joined by single hyphens")
  .openapi({
    example: "payments",
    description:
      "The team's namespace: every stack of the team is `<stackPrefix><namespace>--<project>--<stage>`, and its stacks may only create and change names starting `<stackPrefix><namespace>--`. Unique and fixed; defaults to the team's name (or, when that is longer than 20 characters or not a valid namespace, its first words and a hash).",
  });

export const TeamSchema = z
  .object({
    name: TeamNameSchema,
    namespace: NamespaceSchema.optional(),
    description: z.string().optional(),
    createdAt: z.string().openapi({ format: "date-time" }),
    createdBy: z.string().openapi({ description: "Key id of the creator." }),
  })
  .openapi("Team");

const CreateTeamSchema = z
  .object({
    name: NewTeamNameSchema,
    namespace: NamespaceSchema.optional(),
    description: text({ max: 500, pattern: FREE_TEXT, rule: FREE_TEXT_RULE }).optional(),
  })
  .openapi("CreateTeam");

const TeamParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
});

const createTeamRoute = createRoute({
  method: "post",
  path: "/v1/teams",
  operationId: "teams.create",
  tags: ["Teams"],
  summary: "Create a team",
  description:
    "Platform admins only. Supports `Idempotency-Key`. Team admins then issue keys with `POST /v1/teams/{team}/api-keys`.",
  ...access.platformAdmin(),
  request: { headers: z.object(idempotencyKeyHeader), body: jsonBody(CreateTeamSchema) },
  responses: {
    201: jsonContent(TeamSchema, "The team."),
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

const listTeamsRoute = createRoute({
  method: "get",
  path: "/v1/teams",
  operationId: "teams.list",
  tags: ["Teams"],
  summary: "List teams",
  description: "The caller's team; every team for platform admins (paged).",
  ...access.anyKey(),
  request: { query: PageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(TeamSchema, "TeamPage"), "A page of teams."),
    ...problemResponses(400, 401),
  },
});

const getTeamRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}",
  operationId: "teams.get",
  tags: ["Teams"],
  summary: "Get a team",
  description:
    "Any member of the team, or a platform admin. Another team answers 404, like a team that does not exist.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: jsonContent(TeamSchema, "The team."),
    ...problemResponses(400, 401, 404),
  },
});

export function teamRoutes(app: App, deps: AppDeps): void {
  app.openapi(createTeamRoute, async (c) => {
    requirePlatformAdmin(c);
    const input = c.req.valid("json");
    const out = await idempotent(c, deps, input, async () => {
      try {
        const team = await deps.store.teams.create({
          name: input.name,
          ...(input.namespace ? { namespace: input.namespace } : {}),
          ...(input.description ? { description: input.description } : {}),
          createdAt: deps.now().toISOString(),
          createdBy: callerOf(c).keyId,
        });
        await recordAudit(c, deps, {
          teams: [team.name],
          action: "team.create",
          target: { kind: "team", id: team.name, namespace: team.namespace ?? team.name },
        });
        return { status: 201 as const, body: team, headers: { location: `/v1/teams/${team.name}` } };
      } catch (err) {
        if (err instanceof TeamExistsError) throw problems.conflict(`Team ${input.name} already exists.`);
        if (err instanceof NamespaceTakenError) {
          throw problems.conflict(
            `The namespace ${err.namespace} belongs to another team; choose one with \`namespace\`.`,
          );
        }
        throw err;
      }
    });
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listTeamsRoute, async (c) => {
    const caller = callerOf(c);
    const { limit, cursor } = c.req.valid("query");
    if (caller.platformAdmin) {
      return c.json(await readPage(() => deps.store.teams.list({ limit, cursor })), 200);
    }
    // A team key sees its own team: one GetItem, no list to page through.
    const team = caller.team ? await deps.store.teams.get(caller.team) : undefined;
    return c.json({ items: team ? [team] : [] }, 200);
  });

  app.openapi(getTeamRoute, async (c) => {
    const { team: name } = c.req.valid("param");
    requireTeamRole(c, name, "viewer");
    const team = await deps.store.teams.get(name);
    if (!team) throw teamNotFound(name);
    // A team from before namespaces gets its namespace on first use; showing it is a use.
    const namespace = team.namespace ?? (await deps.store.teams.namespaceOf(name));
    return c.json({ ...team, ...(namespace ? { namespace } : {}) }, 200);
  });
}
