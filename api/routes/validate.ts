import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { SEED_CONFIG_YAML, seedConfigExamples } from "../http/examples.js";
import { documentBodyAsRequired, jsonContent, ProblemItemSchema, problemResponses } from "../http/openapi.js";
import { type ProblemDetailItem, ProblemError, problems } from "../http/problem.js";
import { teamStackName } from "../teams/namespace.js";
import { CONFIG_FIELD_ERROR, YAML_TYPES } from "./configs.js";

/** Names used when the caller validates without a project or stage (they only shape physical names). */
const DEFAULT_TARGET = { project: "project", stage: "stage" };

const NameSchema = z
  .string()
  .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and -")
  .min(2)
  .max(40);

const ValidateRequestSchema = z
  .object({
    config: z.union([z.record(z.string(), z.unknown()), z.string()], { error: CONFIG_FIELD_ERROR }).openapi({
      description: "The config as an object, or as YAML/JSON text.",
    }),
    project: NameSchema.optional().openapi({ description: "Names the stack (default `project`)." }),
    stage: NameSchema.max(12).optional().openapi({ description: "Names the stack (default `stage`)." }),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional(),
  })
  .openapi("ValidateRequest");

const ValidateResultSchema = z
  .object({
    valid: z.literal(true),
    template: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The compiled CloudFormation template." }),
    referenceableParams: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .openapi({ description: "Per resource, its params ($ResourceParam) as CloudFormation expressions." }),
    parameters: z
      .array(z.object({ name: z.string(), kind: z.string(), resource: z.string() }))
      .openapi({ description: "Template Parameters a deployment fills (code artifacts, platform network)." }),
    warnings: z.array(ProblemItemSchema),
  })
  .openapi("ValidateResult");

const validateRoute = createRoute({
  method: "post",
  path: "/v1/validate",
  operationId: "configs.validate",
  tags: ["Configs"],
  summary: "Validate and compile a config",
  description:
    "Any authenticated caller. Body: JSON `{config, project?, stage?, region?}` (config as an object or YAML/JSON text) or YAML text (`application/yaml`). Answers the compiled template, or 422 `config-invalid` with every problem's path, line and column. Stores nothing.",
  ...access.anyKey(),
  request: {
    // Not `required`: with it, the JSON schema would also be enforced on YAML bodies.
    body: {
      required: false,
      content: {
        "application/json": { schema: ValidateRequestSchema, examples: seedConfigExamples },
        "application/yaml": {
          schema: z.string().openapi({ description: "The config as YAML." }),
          examples: { seed: { summary: "Stacktape's event-bus example", value: SEED_CONFIG_YAML } },
        },
      },
    },
  },
  responses: {
    200: jsonContent(ValidateResultSchema, "The config is valid; its compiled template."),
    ...problemResponses(400, 401, 413, 415, 422),
  },
});

const configInvalid = (errors: ProblemDetailItem[]) =>
  problems.configInvalid(
    `The config has ${errors.length} problem(s); the first: ${describe(errors[0]!)}`,
    errors,
  );

const describe = (e: ProblemDetailItem) =>
  `${e.path}${e.line !== undefined ? ` (line ${e.line}, column ${e.column})` : ""}: ${e.message}`;

export function validateRoutes(app: App, deps: Pick<AppDeps, "deploymentSettings" | "store">): void {
  // Compiled as this installation deploys: with its stack prefix and roles' permissions boundary (AWS).
  const { stackPrefix, permissionsBoundary } = deps.deploymentSettings ?? {};
  const installation = {
    ...(stackPrefix ? { stackPrefix } : {}),
    ...(permissionsBoundary ? { permissionsBoundary } : {}),
  };
  app.openapi(documentBodyAsRequired(app, validateRoute), async (c) => {
    callerOf(c); // authenticated by the /v1 middleware; validating needs no particular role
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    let input: unknown;
    let format: "yaml" | "json" | undefined;
    let target: { project: string; stage: string; region?: string } = DEFAULT_TARGET;
    if (type && YAML_TYPES.includes(type)) {
      input = await c.req.text();
      format = "yaml";
    } else if (type === "application/json") {
      const body = c.req.valid("json") as z.infer<typeof ValidateRequestSchema>;
      input = body.config;
      target = {
        project: body.project ?? DEFAULT_TARGET.project,
        stage: body.stage ?? DEFAULT_TARGET.stage,
        ...(body.region ? { region: body.region } : {}),
      };
    } else {
      throw new ProblemError(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        'Send the config as `application/yaml` text or as JSON `{ "config": ... }`.',
      );
    }

    // Loaded on first use so other routes and cold starts do not pay for the config language.
    const [{ loadConfig, locateProblems }, { compile, ConfigValidationError }] = await Promise.all([
      import("../config/index.js"),
      import("../compiler/index.js"),
    ]);
    const loaded = loadConfig(input, format ? { format } : {});
    if (!loaded.ok) throw configInvalid(loaded.errors);
    // A team's key validates as its stages deploy: named in its namespace, held to what it may name.
    const team = callerOf(c).team;
    const tenancy = team ? await teamTarget(deps, team, target) : {};
    try {
      const result = compile(loaded.config, { ...target, ...installation, ...tenancy });
      c.get("log").info("config validated", {
        resources: Object.keys(result.template.Resources).length,
        warnings: result.warnings.length + loaded.warnings.length,
      });
      return c.json(
        {
          valid: true as const,
          template: result.template,
          referenceableParams: result.referenceableParams,
          parameters: result.parameters,
          warnings: [...loaded.warnings, ...result.warnings],
        },
        200,
      );
    } catch (e) {
      if (e instanceof ConfigValidationError) {
        // Positions only mean something for text the caller sent.
        throw configInvalid(typeof input === "string" ? locateProblems(loaded.source, e.errors) : e.errors);
      }
      throw e;
    }
  });
}

async function teamTarget(
  deps: Pick<AppDeps, "deploymentSettings" | "store">,
  team: string,
  target: { project: string; stage: string },
) {
  const namespace = await deps.store.teams.namespaceOf(team);
  if (!namespace) return {};
  const settings = { ...deps.deploymentSettings };
  const stackName = teamStackName(settings.stackPrefix ?? "", namespace, target.project, target.stage);
  const { tenantScope } = await import("../deployments/tenancy.js");
  const [tenancy, { alarms: globalAlarms }] = await Promise.all([
    tenantScope(
      {
        allowedResources: deps.store.allowedResources,
        busShares: deps.store.busShares,
        teamDomains: deps.store.teamDomains,
        settings,
      },
      team,
      namespace,
      stackName,
    ),
    deps.store.globalAlarms.get(team),
  ]);
  return { stackName, tenancy, globalAlarms, domains: tenancy.domains ?? [] };
}
