import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, ROLES, requireTeamRole, teamNotFound } from "../auth/index.js";
import { generateApiKey, newKeyId } from "../auth/secrets.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { idempotent } from "../http/idempotency.js";
import { idempotencyKeyHeader, jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { text } from "../http/text.js";
import { FREE_TEXT_NAME, FREE_TEXT_RULE } from "../identifier.js";
import { recordAudit } from "./audit.js";
import { TeamNameSchema } from "./names.js";

export const ApiKeySchema = z
  .object({
    keyId: z.string().openapi({ example: "key_01jf3q4x0r8k2m5n7p9s1t3v5w" }),
    name: z.string().openapi({ example: "ci deployer" }),
    team: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string().openapi({ format: "date-time" }),
    createdBy: z.string().openapi({ description: "Key id of the creator." }),
    revokedAt: z.string().optional().openapi({ format: "date-time" }),
  })
  .openapi("ApiKey");

const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().openapi({
    description: "The key itself (`sy_...`). Shown only in this response; only its SHA-256 hash is stored.",
  }),
}).openapi("CreatedApiKey");

const CreateApiKeySchema = z
  .object({
    name: text({ min: 1, max: 100, pattern: FREE_TEXT_NAME, rule: FREE_TEXT_RULE }),
    role: z.enum(ROLES),
  })
  .openapi("CreateApiKey");

const TeamParams = z.object({ team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }) });
const KeyParams = TeamParams.extend({
  keyId: text({ max: 64 }).openapi({
    param: { name: "keyId", in: "path" },
    example: "key_01jf3q4x0r8k2m5n7p9s1t3v5w",
  }),
});

const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/teams/{team}/api-keys",
  operationId: "apiKeys.create",
  tags: ["API keys"],
  summary: "Issue an API key",
  description:
    "Team admins (or platform admins). The response carries the secret once. Supports `Idempotency-Key`.",
  ...access.team("admin"),
  request: {
    params: TeamParams,
    headers: z.object(idempotencyKeyHeader),
    body: jsonBody(CreateApiKeySchema),
  },
  responses: {
    201: jsonContent(CreatedApiKeySchema, "The key, with its secret (shown once)."),
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/api-keys",
  operationId: "apiKeys.list",
  tags: ["API keys"],
  summary: "List a team's API keys",
  description: "Team admins. Names, roles and dates; never secrets or hashes.",
  ...access.team("admin"),
  request: { params: TeamParams, query: PageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(ApiKeySchema, "ApiKeyPage"), "A page of keys."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/v1/teams/{team}/api-keys/{keyId}",
  operationId: "apiKeys.revoke",
  tags: ["API keys"],
  summary: "Revoke an API key",
  description: "Team admins. The key stops working with the next request.",
  ...access.team("admin"),
  request: { params: KeyParams },
  responses: {
    204: { description: "Revoked." },
    ...problemResponses(400, 401, 403, 404),
  },
});

export function apiKeyRoutes(app: App, deps: AppDeps): void {
  app.openapi(createKeyRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "admin");
    const input = c.req.valid("json");
    const out = await idempotent(c, deps, input, async () => {
      if (!(await deps.store.teams.get(team))) throw teamNotFound(team);
      const { secret, hash } = generateApiKey();
      const key = await deps.store.apiKeys.create(
        {
          keyId: newKeyId(),
          name: input.name,
          team,
          role: input.role,
          createdAt: deps.now().toISOString(),
          createdBy: callerOf(c).keyId,
        },
        hash,
      );
      // Who issued which key, for the audit trail; the secret never reaches a log.
      c.get("log").info("api key created", { team, createdKeyId: key.keyId, role: key.role });
      await recordAudit(c, deps, {
        teams: [team],
        action: "api-key.create",
        target: { kind: "api-key", id: key.keyId, name: key.name, role: key.role },
      });
      return { status: 201 as const, body: { ...key, secret }, headers: {} };
    });
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listKeysRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "admin");
    const { limit, cursor } = c.req.valid("query");
    return c.json(await readPage(() => deps.store.apiKeys.list(team, { limit, cursor })), 200);
  });

  app.openapi(revokeKeyRoute, async (c) => {
    const { team, keyId } = c.req.valid("param");
    requireTeamRole(c, team, "admin");
    const revoked = await deps.store.apiKeys.revoke(team, keyId, deps.now().toISOString());
    if (!revoked) throw problems.notFound(`Team ${team} has no active key ${keyId}.`);
    c.get("log").info("api key revoked", { team, revokedKeyId: keyId });
    await recordAudit(c, deps, {
      teams: [team],
      action: "api-key.revoke",
      target: { kind: "api-key", id: keyId },
    });
    return c.body(null, 204);
  });
}
