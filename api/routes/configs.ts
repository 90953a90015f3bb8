import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requireProject } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { etagListMatches, etagOf } from "../http/etag.js";
import { SEED_CONFIG_YAML, seedConfigExamples } from "../http/examples.js";
import { type IdempotentResult, idempotent } from "../http/idempotency.js";
import { decimalInteger } from "../http/integers.js";
import {
  documentBodyAsRequired,
  idempotencyKeyHeader,
  jsonContent,
  ProblemItemSchema,
  problemResponses,
} from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { ProblemError, problems } from "../http/problem.js";
import { appendConfigVersion, type NewConfig } from "../store/append-config.js";
import { contentHash } from "../store/canonical.js";
import type { ConfigVersion } from "../store/index.js";
import { MAX_CONFIG_VERSION } from "../store/keys.js";
import { projectNameOfKey } from "../store/projects.js";
import { recordAudit } from "./audit.js";
import { ProjectParamsSchema } from "./projects.js";

const AuthorSchema = z.object({ keyId: z.string(), name: z.string() }).openapi("ConfigAuthor");

const versionFields = {
  project: z.string(),
  version: z.number().int().min(1),
  format: z.enum(["yaml", "json"]).openapi({ description: "How the config was posted." }),
  contentHash: z.string().openapi({ description: "sha256 of the parsed config in canonical form." }),
  warnings: z.array(ProblemItemSchema),
  createdAt: z.string().openapi({ format: "date-time" }),
  createdBy: AuthorSchema,
};

export const ConfigVersionSummarySchema = z.object(versionFields).openapi("ConfigVersionSummary");

export const ConfigVersionSchema = z
  .object({
    ...versionFields,
    config: z.record(z.string(), z.unknown()).openapi({ description: "The parsed, validated config." }),
  })
  .openapi("ConfigVersion");

/** Said when a JSON body has no usable `config`: the usual mistake is posting the config itself. */
export const CONFIG_FIELD_ERROR =
  'the config, as an object or as YAML/JSON text: send `{ "config": ... }`, or YAML as `application/yaml`';

const PostConfigJsonSchema = z
  .object({
    config: z.union([z.record(z.string(), z.unknown()), z.string()], { error: CONFIG_FIELD_ERROR }).openapi({
      description: "The config as an object, or as YAML/JSON text.",
    }),
  })
  .openapi("PostConfig");

/** Media types read as YAML config text (configs and /v1/validate). */
export const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"];
/** What fits one DynamoDB item (400 KB) with the parsed copy beside the text. */
const MAX_STORED_BYTES = 380 * 1024;

const etagHeader = {
  ETag: { schema: { type: "string" as const }, description: "Send it as If-Match with the next post." },
};

const postConfigRoute = createRoute({
  method: "post",
  path: "/v1/projects/{project}/configs",
  operationId: "configs.create",
  tags: ["Projects"],
  summary: "Post a config version",
  description:
    "Maintainers and admins. Body: YAML text (`application/yaml`) or JSON `{config}`. Validated (422 with line/column), then stored as immutable version n+1; a config identical to the latest answers 200 with the latest. `If-Match` (the latest version's ETag) guards against lost updates (412 when stale). Supports `Idempotency-Key`.",
  ...access.project("maintainer"),
  request: {
    params: ProjectParamsSchema,
    headers: z.object({
      ...idempotencyKeyHeader,
      "if-match": z
        .string()
        .optional()
        .openapi({ description: "The latest version's ETag: 412 when another version came since." }),
    }),
    body: {
      required: false,
      content: {
        "application/json": { schema: PostConfigJsonSchema, examples: seedConfigExamples },
        "application/yaml": {
          schema: z.string().openapi({ description: "The config as YAML (not blank).", pattern: "\\S" }),
          examples: { seed: { summary: "Stacktape's event-bus example", value: SEED_CONFIG_YAML } },
        },
      },
    },
  },
  responses: {
    200: {
      ...jsonContent(ConfigVersionSchema, "Identical to the latest version, which is returned."),
      headers: etagHeader,
    },
    201: { ...jsonContent(ConfigVersionSchema, "The new version."), headers: etagHeader },
    ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422),
  },
});

const listConfigsRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/configs",
  operationId: "configs.list",
  tags: ["Projects"],
  summary: "List config versions",
  description: "Newest first, paged. Any role in the project's team.",
  ...access.project("viewer"),
  request: { params: ProjectParamsSchema, query: PageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(ConfigVersionSummarySchema, "ConfigVersionPage"), "A page of versions."),
    ...problemResponses(400, 401, 404),
  },
});

const readResponses = {
  200: {
    description: "The version as JSON, or its original text with `Accept: application/yaml`.",
    headers: etagHeader,
    content: {
      "application/json": { schema: ConfigVersionSchema },
      "application/yaml": { schema: z.string() },
    },
  },
  ...problemResponses(400, 401, 404),
};

const getLatestRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/configs/latest",
  operationId: "configs.getLatest",
  tags: ["Projects"],
  summary: "Get the latest config version",
  description: "Any role in the project's team. 404 while the project has no config.",
  ...access.project("viewer"),
  request: { params: ProjectParamsSchema },
  responses: readResponses,
});

const getVersionRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/configs/{version}",
  operationId: "configs.get",
  tags: ["Projects"],
  summary: "Get a config version",
  description: "Any role in the project's team.",
  ...access.project("viewer"),
  request: {
    params: ProjectParamsSchema.extend({
      version: decimalInteger({ min: 1, max: MAX_CONFIG_VERSION }).openapi({
        param: { name: "version", in: "path" },
        example: 3,
      }),
    }),
  },
  responses: readResponses,
});

/** The ETag of a version: the If-Match value for the post that follows it. */
export function configEtag(v: Pick<ConfigVersion, "project" | "version" | "contentHash">): string {
  return etagOf([v.project, v.version, v.contentHash]);
}

function publicVersion({ source: _source, ...rest }: ConfigVersion) {
  return { ...rest, project: projectNameOfKey(rest.project), config: rest.config as Record<string, unknown> };
}

export function configRoutes(app: App, deps: AppDeps): void {
  app.openapi(documentBodyAsRequired(app, postConfigRoute), async (c) => {
    const { project: ref } = c.req.valid("param");
    const { key: name, team } = await requireProject(c, deps, ref, "maintainer");
    // Loaded on first use: the config language (schemas, pattern validation) is the heaviest module
    // of the app and only this route needs it, so other requests and cold starts skip it.
    const { loadConfig } = await import("../config/index.js");
    const loaded = loadConfig(
      ...(await readConfigInput(
        c.req.header("content-type"),
        () => c.req.text(),
        () => c.req.valid("json"),
      )),
    );
    if (!loaded.ok) {
      throw problems.configInvalid(
        `The config has ${loaded.errors.length} problem(s): ${loaded.errors
          .slice(0, 3)
          .map((e) => `${e.path}${e.line ? ` (line ${e.line})` : ""}: ${e.message}`)
          .join("; ")}`,
        loaded.errors,
      );
    }
    const hash = contentHash(loaded.config);
    const size = Buffer.byteLength(loaded.source) + Buffer.byteLength(JSON.stringify(loaded.config));
    if (size > MAX_STORED_BYTES) {
      throw problems.payloadTooLarge(
        `A stored config is limited to ${MAX_STORED_BYTES} bytes (text plus parsed form).`,
      );
    }
    const ifMatch = c.req.header("if-match");
    const author = { keyId: callerOf(c).keyId, name: callerOf(c).name };

    const config: NewConfig = {
      project: name,
      format: loaded.format,
      source: loaded.source,
      config: loaded.config,
      contentHash: hash,
      warnings: loaded.warnings,
      createdAt: deps.now().toISOString(),
      createdBy: author,
    };

    type Result = IdempotentResult<200 | 201, ReturnType<typeof publicVersion>>;
    const out = await idempotent(c, deps, { source: loaded.source, ifMatch }, async (): Promise<Result> => {
      const expectLatest =
        ifMatch === undefined
          ? undefined
          : (latest?: ConfigVersion) => etagListMatches(ifMatch, latest && configEtag(latest));
      const result = await appendConfigVersion(deps.store, config, expectLatest);
      switch (result.outcome) {
        case "created":
          await recordAudit(c, deps, {
            teams: [team],
            project: projectNameOfKey(name),
            action: "config.create",
            target: { kind: "config-version", id: String(result.version.version) },
            details: { contentHash: result.version.contentHash },
          });
          return {
            status: 201,
            body: publicVersion(result.version),
            headers: {
              etag: configEtag(result.version),
              location: `/v1/projects/${ref}/configs/${result.version.version}`,
            },
          };
        case "unchanged":
          return {
            status: 200,
            body: publicVersion(result.version),
            headers: { etag: configEtag(result.version) },
          };
        case "stale":
          throw problems.preconditionFailed(
            result.latest
              ? `If-Match does not match the latest version (${result.latest.version}, ETag ${configEtag(result.latest)}).`
              : "If-Match does not match: the project has no config yet, or another request just added a version.",
          );
        case "busy":
          throw problems.conflict("Too many concurrent config posts to this project; retry.");
      }
    });
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listConfigsRoute, async (c) => {
    const { project: ref } = c.req.valid("param");
    const { key: name } = await requireProject(c, deps, ref, "viewer");
    const { limit, cursor } = c.req.valid("query");
    const page = await readPage(() => deps.store.configs.list(name, { limit, cursor }));
    return c.json(
      { ...page, items: page.items.map((v) => ({ ...v, project: projectNameOfKey(v.project) })) },
      200,
    );
  });

  app.openapi(getLatestRoute, async (c) => {
    const { project: ref } = c.req.valid("param");
    const { key: name } = await requireProject(c, deps, ref, "viewer");
    const latest = await deps.store.configs.latest(name);
    if (!latest) throw problems.notFound(`Project ${ref} has no config yet.`);
    return versionResponse(c, latest);
  });

  app.openapi(getVersionRoute, async (c) => {
    const { project: ref, version } = c.req.valid("param");
    const { key: name } = await requireProject(c, deps, ref, "viewer");
    const found = await deps.store.configs.get(name, version);
    if (!found) throw problems.notFound(`Project ${ref} has no config version ${version}.`);
    return versionResponse(c, found);
  });
}

interface ReadContext {
  req: { header(name: string): string | undefined };
  json(body: unknown, status: 200, headers: Record<string, string>): Response;
  body(data: string, status: 200, headers: Record<string, string>): Response;
}

/** JSON by default; the original text when the client asks for YAML. */
function versionResponse(c: ReadContext, v: ConfigVersion): Response {
  const etag = configEtag(v);
  if (prefersYaml(c.req.header("accept"))) {
    return c.body(v.source, 200, { etag, "content-type": "application/yaml; charset=utf-8", vary: "accept" });
  }
  return c.json(publicVersion(v), 200, { etag, vary: "accept" });
}

function prefersYaml(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(",").map((t) => t.split(";")[0]?.trim().toLowerCase());
  return types.some((t) => t !== undefined && YAML_TYPES.includes(t)) && !types.includes("application/json");
}

/** The config and its format from a JSON `{config}` body or a YAML text body. */
async function readConfigInput(
  contentType: string | undefined,
  text: () => Promise<string>,
  json: () => string | { config?: Record<string, unknown> | string },
): Promise<[unknown, { format?: "yaml" | "json" }]> {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (type && YAML_TYPES.includes(type)) {
    const yaml = await text();
    if (yaml.trim() === "") {
      throw problems.validation("The YAML body is empty.", [
        { path: "body", message: "The YAML body is empty." },
      ]);
    }
    return [yaml, { format: "yaml" }];
  }
  if (type === "application/json") {
    const body = json();
    const config = typeof body === "object" ? body.config : undefined;
    if (config === undefined) throw problems.badRequest('The JSON body must be `{ "config": ... }`.');
    return [config, {}];
  }
  throw new ProblemError(
    415,
    "unsupported-media-type",
    "Unsupported media type",
    'Send the config as `application/yaml` text or as JSON `{ "config": ... }`.',
  );
}
