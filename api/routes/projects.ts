import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requireProject, requireTeamRole, seesTeam, teamNotFound } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { etagListMatches, etagOf } from "../http/etag.js";
import { idempotent } from "../http/idempotency.js";
import { idempotencyKeyHeader, jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { type Project, ProjectExistsError } from "../store/index.js";
import { recordAudit } from "./audit.js";
import { NewProjectNameSchema, ProjectNameSchema, ProjectRefSchema, TeamNameSchema } from "./names.js";

export const ProjectSchema = z
  .object({
    name: ProjectNameSchema,
    team: TeamNameSchema,
    createdAt: z.string().openapi({ format: "date-time" }),
    createdBy: z.string().openapi({ description: "Key id of the creator." }),
    latestVersion: z.number().int().optional().openapi({ description: "The newest config version, if any." }),
  })
  .openapi("Project");

const CreateProjectSchema = z
  .object({
    name: NewProjectNameSchema.openapi({
      description:
        "Unique within the team (another team may use the same name): stack names derive from it and the team's namespace.",
    }),
    team: TeamNameSchema.optional().openapi({
      description:
        "Defaults to the key's team. Required with a platform-admin key, which belongs to no team (400 `bad-request` without it).",
    }),
  })
  .openapi("CreateProject");

export const ProjectParamsSchema = z.object({
  project: ProjectRefSchema.openapi({ param: { name: "project", in: "path" } }),
});

/** A project as clients see it (its store key stays inside). */
export const publicProject = ({ key: _key, ...project }: Project) => project;

const ListProjectsQuery = PageQuerySchema.extend({
  team: TeamNameSchema.optional().openapi({
    param: { name: "team", in: "query" },
    description:
      "Defaults to the key's team; platform admins without it see every project. Another team answers 404, like a team that does not exist.",
  }),
  prefix: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "up to 40 of a-z, 0-9 and -")
    .optional()
    .openapi({
      param: { name: "prefix", in: "query" },
      description: "Only projects whose name starts with this (the portal's search).",
      example: "ord",
    }),
});

const etagHeader = {
  ETag: { schema: { type: "string" as const }, description: "The project's entity tag." },
};

const createProjectRoute = createRoute({
  method: "post",
  path: "/v1/projects",
  operationId: "projects.create",
  tags: ["Projects"],
  summary: "Create a project",
  description: "Maintainers and admins of the team. Supports `Idempotency-Key`.",
  ...access.anyKey("maintainer"),
  request: { headers: z.object(idempotencyKeyHeader), body: jsonBody(CreateProjectSchema) },
  responses: {
    201: { ...jsonContent(ProjectSchema, "The project."), headers: etagHeader },
    ...problemResponses(400, 401, 403, 409, 422),
  },
});

const listProjectsRoute = createRoute({
  method: "get",
  path: "/v1/projects",
  operationId: "projects.list",
  tags: ["Projects"],
  summary: "List projects",
  description:
    "A team's projects by name, paged with an opaque cursor; `prefix` keeps those whose name starts with it. Any role.",
  ...access.anyKey(),
  request: { query: ListProjectsQuery },
  responses: {
    200: jsonContent(pageSchema(ProjectSchema, "ProjectPage"), "A page of projects."),
    ...problemResponses(400, 401, 404),
  },
});

const getProjectRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}",
  operationId: "projects.get",
  tags: ["Projects"],
  summary: "Get a project",
  description: "Any role in the project's team. Another team's project answers 404. Honours If-None-Match.",
  ...access.project("viewer"),
  request: {
    params: ProjectParamsSchema,
    headers: z.object({
      "if-none-match": z
        .string()
        .optional()
        .openapi({ description: "ETags of the project already held: 304 when one is current." }),
    }),
  },
  responses: {
    200: { ...jsonContent(ProjectSchema, "The project."), headers: etagHeader },
    304: { description: "Not modified (If-None-Match matched)." },
    ...problemResponses(400, 401, 404),
  },
});

const deleteProjectRoute = createRoute({
  method: "delete",
  path: "/v1/projects/{project}",
  operationId: "projects.delete",
  tags: ["Projects"],
  summary: "Delete a project",
  description: "Team admins. Refused with 409 while any stage is deployed: tear the stages down first.",
  ...access.project("admin"),
  request: { params: ProjectParamsSchema },
  responses: {
    204: { description: "Deleted, with its config versions." },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function projectRoutes(app: App, deps: AppDeps): void {
  app.openapi(createProjectRoute, async (c) => {
    const caller = callerOf(c);
    const input = c.req.valid("json");
    const team = input.team ?? caller.team;
    if (!team) throw problems.badRequest("A platform-admin key must name the project's `team`.");
    const unknownTeam = () =>
      problems.unprocessable("unknown-team", "Unknown team", `Team ${team} does not exist.`);
    // Another team is not there for this key: the same answer as a team that does not exist.
    if (!seesTeam(caller, team)) throw unknownTeam();
    requireTeamRole(c, team, "maintainer");
    const out = await idempotent(c, deps, { ...input, team }, async () => {
      if (caller.platformAdmin && !(await deps.store.teams.get(team))) throw unknownTeam();
      try {
        const project = await deps.store.projects.create({
          name: input.name,
          team,
          createdAt: deps.now().toISOString(),
          createdBy: caller.keyId,
        });
        const body = publicProject(project);
        await recordAudit(c, deps, {
          teams: [team],
          project: project.name,
          action: "project.create",
          target: { kind: "project", id: project.name },
        });
        return {
          status: 201 as const,
          body,
          headers: {
            etag: etagOf(body),
            // A platform-admin key belongs to no team, so its Location names the team.
            location: `/v1/projects/${caller.platformAdmin ? `${team}:` : ""}${project.name}`,
          },
        };
      } catch (err) {
        if (err instanceof ProjectExistsError) {
          throw problems.conflict(`Team ${team} already has a project named ${input.name}.`);
        }
        throw err;
      }
    });
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listProjectsRoute, async (c) => {
    const caller = callerOf(c);
    const { team: askedTeam, limit, cursor, prefix } = c.req.valid("query");
    const team = askedTeam ?? caller.team;
    if (team !== undefined) requireTeamRole(c, team, "viewer");
    // A team key's own team exists; a platform admin learns of a team that does not as anyone would.
    if (askedTeam !== undefined && caller.platformAdmin && !(await deps.store.teams.get(askedTeam))) {
      throw teamNotFound(askedTeam);
    }
    const page = await readPage(() => deps.store.projects.list(team, { limit, cursor, prefix }));
    return c.json({ ...page, items: page.items.map(publicProject) }, 200);
  });

  app.openapi(getProjectRoute, async (c) => {
    const { project: ref } = c.req.valid("param");
    const project = publicProject(await requireProject(c, deps, ref, "viewer"));
    const etag = etagOf(project);
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch && etagListMatches(ifNoneMatch, etag, { weak: true })) {
      return c.body(null, 304, { etag });
    }
    return c.json(project, 200, { etag });
  });

  app.openapi(deleteProjectRoute, async (c) => {
    const { project: ref } = c.req.valid("param");
    const { key, name, team } = await requireProject(c, deps, ref, "admin");
    const result = await deps.store.projects.delete(key);
    if (!result.deleted && result.reason === "deployed") {
      throw problems.conflict(
        `Project ${name} still has deployed stages (${result.stages.join(", ")}); tear them down first.`,
        { stages: result.stages },
      );
    }
    if (!result.deleted) throw problems.notFound(`Project ${name} does not exist.`);
    c.get("log").info("project deleted", { project: key });
    await recordAudit(c, deps, {
      teams: [team],
      project: name,
      action: "project.delete",
      target: { kind: "project", id: name },
    });
    return c.body(null, 204);
  });
}
