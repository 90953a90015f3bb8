/**
 * Bus shares (#15): the legitimate way for a team to consume another team's events. The owning
 * team's maintainers share a deployed bus with another team to subscribe (attach rules) and/or
 * publish (PutEvents), list what they gave and revoke; the other team lists what it holds and names
 * the bus in its configs (`eventBusArn`: the ARN, or `<owner>:<project>/<stage>/<bus>`).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { access } from "../auth/access.js";
import { callerOf, requireTeamRole, teamNotFound } from "../auth/index.js";
import { BUS_ACCESS } from "../compiler/tenancy/scope.js";
import { formatShareRef } from "../config/share-ref.js";
import type { AppDeps } from "../deps.js";
import type { App, AppEnv } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { grantShare, revokeShare } from "../shares/use-cases.js";
import type { BusShare } from "../store/index.js";
import { MAX_SHARES_HELD, MAX_SHARES_PER_BUS } from "../store/index.js";
import { ProjectNameSchema, TeamNameSchema } from "./names.js";

const TeamParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
});

const ShareParamsSchema = TeamParamsSchema.extend({
  id: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "a share ID (ULID)")
    .openapi({ param: { name: "id", in: "path" }, example: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S" }),
});

const AccessSchema = z.enum(BUS_ACCESS).openapi({
  description:
    "`subscribe`: the team's stacks may attach rules to the bus. `publish`: they may send events to it (PutEvents from workloads' `iamRoleStatements`, rule targets).",
});

const StageNameSchema = z
  .string()
  .regex(/^[a-z0-9-]{2,12}$/, "2 to 12 lowercase letters, digits and hyphens")
  .openapi({ example: "dev" });

const BusShareSchema = z
  .object({
    id: z.string().openapi({ example: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S" }),
    owner: TeamNameSchema.openapi({ description: "The team that owns the bus." }),
    project: ProjectNameSchema,
    stage: z.string().openapi({ example: "dev" }),
    bus: z
      .string()
      .openapi({ description: "The bus's resource name in the owner's config.", example: "myEventBus" }),
    arn: z.string().openapi({
      description: "The bus's ARN: what the holder's configs name in `eventBusArn` (or `ref`).",
      example: "arn:aws:events:us-east-1:000000000000:event-bus/payments--orders--dev-myEventBus",
    }),
    ref: z.string().openapi({
      description: "How the holder's configs may name the bus instead of its ARN: `eventBusArn: <ref>`.",
      example: "payments:orders/dev/myEventBus",
    }),
    sharedWith: TeamNameSchema.openapi({ description: "The team holding the share." }),
    access: z.array(AccessSchema),
    createdAt: z.string().openapi({ format: "date-time" }),
    createdBy: z.string().openapi({ description: "Key id of who shared it." }),
  })
  .openapi("BusShare");

const BusShareListSchema = z.object({ items: z.array(BusShareSchema) }).openapi("BusShareList");

const GrantShareSchema = z
  .object({
    project: ProjectNameSchema,
    stage: StageNameSchema,
    bus: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9]+$/, "the bus's resource name in the config"),
    sharedWith: TeamNameSchema,
    access: z
      .array(AccessSchema)
      .min(1)
      .max(2)
      .refine((a) => new Set(a).size === a.length, "access must not repeat.")
      .openapi({ uniqueItems: true }),
  })
  .strict()
  .openapi("GrantBusShare", {
    example: {
      project: "orders",
      stage: "dev",
      bus: "myEventBus",
      sharedWith: "search",
      access: ["subscribe"],
    },
  });

const StageUsingShareSchema = z
  .object({ project: ProjectNameSchema, stage: z.string(), stackName: z.string() })
  .openapi("StageUsingShare");

const RevokedShareSchema = z
  .object({
    share: BusShareSchema,
    revokedAt: z.string().openapi({ format: "date-time" }),
    stillUsedBy: z.array(StageUsingShareSchema).openapi({
      description:
        "The holder's deployed stages whose template still names the bus. Their rules stay on the bus until each stage is deployed again (which is refused while its config still names the bus) or torn down.",
    }),
  })
  .openapi("RevokedBusShare");

const grantRoute = createRoute({
  method: "post",
  path: "/v1/teams/{team}/shares",
  operationId: "shares.grant",
  tags: ["Bus shares"],
  summary: "Share a deployed bus with another team",
  description: `Maintainers and admins of the owning team, or a platform admin. The bus is named by the owner's project, stage and resource name, and must be deployed. A team holds at most one share of a bus (409 with its \`shareId\` for a second: revoke it to change what it allows); a bus is shared with at most ${MAX_SHARES_PER_BUS} teams, and a team holds at most ${MAX_SHARES_HELD} shares (409 \`limit-exceeded\`). In both teams' audit records.`,
  ...access.team("maintainer"),
  request: { params: TeamParamsSchema, body: jsonBody(GrantShareSchema) },
  responses: {
    201: jsonContent(BusShareSchema, "The share."),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const listGivenRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/shares/given",
  operationId: "shares.listGiven",
  tags: ["Bus shares"],
  summary: "Bus shares the team gave",
  description: "Any member of the team, or a platform admin. Newest first.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: jsonContent(BusShareListSchema, "The shares."),
    ...problemResponses(400, 401, 404),
  },
});

const listHeldRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/shares/held",
  operationId: "shares.listHeld",
  tags: ["Bus shares"],
  summary: "Bus shares the team holds",
  description:
    "Any member of the team, or a platform admin. Newest first; each names the bus by `arn` and `ref`, either of which the team's configs may put in `eventBusArn`.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: jsonContent(BusShareListSchema, "The shares."),
    ...problemResponses(400, 401, 404),
  },
});

const revokeRoute = createRoute({
  method: "delete",
  path: "/v1/teams/{team}/shares/{id}",
  operationId: "shares.revoke",
  tags: ["Bus shares"],
  summary: "Revoke a bus share",
  description:
    "Maintainers and admins of the owning team, or a platform admin. From now on the holder's previews, deployments and validations that need the share answer 422 naming it. What the holder deployed stays (its rules keep receiving events) until each of its stages listed in `stillUsedBy` is deployed again or torn down. In both teams' audit records.",
  ...access.team("maintainer"),
  request: { params: ShareParamsSchema },
  responses: {
    200: jsonContent(RevokedShareSchema, "The share, revoked, and the holder's stages that still use it."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const giveBackRoute = createRoute({
  method: "delete",
  path: "/v1/teams/{team}/shares/held/{id}",
  operationId: "shares.giveBack",
  tags: ["Bus shares"],
  summary: "Give back a bus share the team holds",
  description:
    "Maintainers and admins of the holding team, or a platform admin. Ends the share as a revoke does (the same refusals from now on, the same `stillUsedBy`), so that no team can fill another's quota of held shares for good. In both teams' audit records.",
  ...access.team("maintainer"),
  request: { params: ShareParamsSchema },
  responses: {
    200: jsonContent(RevokedShareSchema, "The share, ended, and the team's stages that still use it."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const body = (share: BusShare) => ({
  id: share.id,
  owner: share.owner,
  project: share.project,
  stage: share.stage,
  bus: share.bus,
  arn: share.arn,
  ref: formatShareRef(share),
  sharedWith: share.sharedWith,
  access: share.access,
  createdAt: share.createdAt,
  createdBy: share.createdBy,
});

export function busShareRoutes(app: App, deps: AppDeps): void {
  async function requireTeam(team: string) {
    if (!(await deps.store.teams.get(team))) throw teamNotFound(team);
  }
  const request = (c: Context<AppEnv>) => ({
    caller: callerOf(c),
    requestId: c.get("requestId"),
    now: deps.now(),
  });

  app.openapi(grantRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "maintainer");
    await requireTeam(team);
    const share = await grantShare(deps.store, team, c.req.valid("json"), request(c));
    c.get("log").info("bus shared", {
      share: share.id,
      owner: team,
      with: share.sharedWith,
      access: share.access,
    });
    return c.json(body(share), 201);
  });

  app.openapi(listGivenRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    return c.json({ items: (await deps.store.busShares.given(team)).map(body) }, 200);
  });

  app.openapi(listHeldRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    return c.json({ items: (await deps.store.busShares.held(team)).map(body) }, 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const { team, id } = c.req.valid("param");
    requireTeamRole(c, team, "maintainer");
    const result = await revokeShare(deps.store, "given", team, id, request(c));
    c.get("log").info("bus share revoked", {
      share: id,
      owner: team,
      stillUsedBy: result.stillUsedBy.length,
    });
    return c.json({ ...result, share: body(result.share) }, 200);
  });

  app.openapi(giveBackRoute, async (c) => {
    const { team, id } = c.req.valid("param");
    requireTeamRole(c, team, "maintainer");
    const result = await revokeShare(deps.store, "held", team, id, request(c));
    c.get("log").info("bus share given back", {
      share: id,
      holder: team,
      stillUsedBy: result.stillUsedBy.length,
    });
    return c.json({ ...result, share: body(result.share) }, 200);
  });
}
