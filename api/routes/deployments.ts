import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { access } from "../auth/access.js";
import { callerOf, requireProject, requireProjectByKey } from "../auth/index.js";
import { deploymentsContext } from "../deployments/index.js";
import { STAGE_NAME } from "../deployments/names.js";
import { deploy, readDeployment } from "../deployments/use-cases.js";
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import type { App } from "../http/env.js";
import { idempotent } from "../http/idempotency.js";
import { idempotencyKeyHeader, jsonContent, locationHeader, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { text } from "../http/text.js";
import { type Deployment, type DeploymentSummary, isTerminal, summary } from "../store/deployments.js";
import { MAX_CONFIG_VERSION } from "../store/keys.js";
import { projectNameOfKey } from "../store/projects.js";
import { recordAudit } from "./audit.js";
import { ProjectParamsSchema } from "./projects.js";

export const StageParamsSchema = ProjectParamsSchema.extend({
  stage: z
    .string()
    .regex(STAGE_NAME, "2 to 12 lowercase letters, digits and hyphens")
    .openapi({
      param: { name: "stage", in: "path" },
      example: "dev",
      description:
        "A new stage (its first deployment or preview) takes an identifier: lowercase letters and digits in words joined by single hyphens (400 `validation-error` otherwise). Stages named before that rule keep their names.",
    }),
});

const DeploymentIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "a deployment ID (ULID)")
    .openapi({ param: { name: "id", in: "path" }, example: "01JD5Z3M9X2Q8R7T6Y5W4V3Q2S" }),
});

export const StackEventSchema = z
  .object({
    id: z.string(),
    timestamp: z.string().openapi({ format: "date-time" }),
    logicalId: z.string().openapi({ example: "MyBusEventBus" }),
    resourceType: z.string().openapi({ example: "AWS::Events::EventBus" }),
    status: z.string().openapi({ example: "CREATE_COMPLETE" }),
    reason: z.string().optional(),
    physicalId: z.string().optional(),
  })
  .openapi("StackEvent");

export const DeploymentSchema = z
  .object({
    id: z.string(),
    project: z.string(),
    stage: z.string(),
    kind: z.enum(["deploy", "rollback", "teardown", "continue-rollback"]).openapi({
      description:
        "`continue-rollback` continues a stack's failed update rollback; it SUCCEEDS when the stack is back in UPDATE_ROLLBACK_COMPLETE, running the version it ran before the failed update.",
    }),
    status: z.enum(["PENDING", "IN_PROGRESS", "SUCCEEDED", "FAILED", "CANCELLED"]),
    configVersion: z.number().int().optional().openapi({
      description: "Absent for a teardown; for a continue-rollback, the version rolled back to.",
    }),
    reason: z
      .string()
      .optional()
      .openapi({ description: "Why it failed (the failed resources' reasons), or why nothing changed." }),
    stackName: z.string(),
    stackId: z.string().optional(),
    stackStatus: z.string().optional().openapi({ example: "UPDATE_COMPLETE" }),
    noop: z.boolean().optional().openapi({ description: "The stack already matched; nothing was changed." }),
    rollbackOf: z
      .string()
      .optional()
      .openapi({ description: "For a rollback: the deployment it re-applies." }),
    warnings: z.array(z.string()).optional(),
    createdAt: z.string().openapi({ format: "date-time" }),
    createdBy: z.string().openapi({ description: "Key id of the caller." }),
    startedAt: z.string().optional().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
    finishedAt: z.string().optional().openapi({ format: "date-time" }),
  })
  .openapi("Deployment");

const DeploymentWithEventsSchema = DeploymentSchema.extend({ events: z.array(StackEventSchema) }).openapi(
  "DeploymentWithEvents",
);

const ArtifactsSchema = z
  .record(
    z.string(),
    z
      .object({
        codeBucket: text({ min: 3, max: 63 }).optional(),
        codeKey: text({ min: 1, max: 1024 }).optional(),
        imageUri: text({ min: 1, max: 2048 }).optional(),
      })
      .strict()
      .openapi("ResourceArtifacts"),
  )
  .openapi("Artifacts", {
    description:
      "Per config resource: the built code (S3 zip or image) its template parameters take; a workload's containers as `<workload>.<container>`. Subnets and security groups are not the deployer's to choose: they come from the platform's network settings (`PUT /v1/settings/network`).",
    example: {
      myFunction: { codeBucket: "builds", codeKey: "orders/fn-1a2b.zip" },
      "myWorkload.web": { imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:42" },
    },
  });

export const DeployRequestSchema = z
  .object({
    configVersion: z
      .number()
      .int()
      .min(1)
      .max(MAX_CONFIG_VERSION)
      .optional()
      .openapi({ description: "Defaults to the latest version." }),
    artifacts: ArtifactsSchema.optional(),
  })
  .strict()
  .openapi("DeployRequest");

/** An optional JSON body: POST with no body deploys the latest version. */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({
  required: false,
  content: { "application/json": { schema } },
});

/** What a client sees of a deployment: no template or parameters, the project by its name. */
export const toDeploymentBody = (d: Deployment | DeploymentSummary) => ({
  ...summary(d as Deployment),
  project: projectNameOfKey(d.project),
});

/** Where a client polls a deployment it just started (202 answers). */
export const deploymentLocation = (d: Pick<Deployment, "id">) => ({ location: `/v1/deployments/${d.id}` });

/**
 * The answer of every route that starts a stack operation: 202 with the deployment and its
 * Location, once per Idempotency-Key (a retry replays it instead of starting another).
 */
export function startedDeployment(
  c: Parameters<typeof idempotent>[0] & Parameters<typeof recordAudit>[0],
  deps: AppDeps,
  owner: { team: string; name: string },
  fingerprint: unknown,
  start: () => Promise<Deployment>,
) {
  return idempotent(c, deps, fingerprint, async () => {
    const deployment = await start();
    await recordAudit(c, deps, {
      teams: [owner.team],
      project: owner.name,
      action: `deployment.${deployment.kind}`,
      target: { kind: "deployment", id: deployment.id, stage: deployment.stage },
      details: {
        status: deployment.status,
        ...(deployment.configVersion !== undefined ? { configVersion: deployment.configVersion } : {}),
        ...(deployment.rollbackOf ? { rollbackOf: deployment.rollbackOf } : {}),
      },
    });
    return {
      status: 202 as const,
      body: toDeploymentBody(deployment),
      headers: deploymentLocation(deployment),
    };
  });
}

const createDeploymentRoute = createRoute({
  method: "post",
  path: "/v1/projects/{project}/stages/{stage}/deployments",
  operationId: "deployments.create",
  tags: ["Deployments"],
  summary: "Deploy a config version to a stage",
  description:
    "Deployers and above. Compiles the version (default: the latest) for the stage and starts the stack operation; answers 202 with the deployment to poll (or stream: `/v1/deployments/{id}/events`). One deployment per stage at a time: another one answers 409 naming the running deployment. Deploying what the stage already runs succeeds as a no-op. Supports `Idempotency-Key`.",
  ...access.project("deployer"),
  request: {
    params: StageParamsSchema,
    headers: z.object(idempotencyKeyHeader),
    body: optionalJsonBody(DeployRequestSchema),
  },
  responses: {
    202: {
      ...jsonContent(DeploymentSchema, "The deployment, started (or already finished when nothing changed)."),
      headers: locationHeader,
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const listDeploymentsRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages/{stage}/deployments",
  operationId: "deployments.list",
  tags: ["Deployments"],
  summary: "List a stage's deployments",
  description: "Viewers and above. Newest first, paged with `limit` and `cursor`.",
  ...access.project("viewer"),
  request: { params: StageParamsSchema, query: PageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(DeploymentSchema, "DeploymentPage"), "A page of deployments."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const getDeploymentRoute = createRoute({
  method: "get",
  path: "/v1/deployments/{id}",
  operationId: "deployments.get",
  tags: ["Deployments"],
  summary: "Get a deployment",
  description:
    "Viewers of the deployment's project. Status, reason, timestamps, config version and the stack events so far. Reading a deployment that has not moved for a few seconds reconciles it with its stack first.",
  ...access.anyKey(),
  request: { params: DeploymentIdParamsSchema },
  responses: {
    200: jsonContent(DeploymentWithEventsSchema, "The deployment with its events."),
    ...problemResponses(400, 401, 404),
  },
});

const deploymentEventsRoute = createRoute({
  method: "get",
  path: "/v1/deployments/{id}/events",
  operationId: "deployments.events",
  tags: ["Deployments"],
  summary: "Stack events of a deployment",
  description:
    "Viewers of the deployment's project. A JSON list by default. With `Accept: text/event-stream`, server-sent events: each stack event as `event: stack-event` (id = the event id, so `Last-Event-ID` resumes), then one `event: end` with the final deployment when it ends. A stream still open after about 25 seconds ends without `end`; reconnect with `Last-Event-ID` (EventSource does).",
  ...access.anyKey(),
  request: { params: DeploymentIdParamsSchema },
  responses: {
    200: {
      description: "The events, oldest first.",
      content: {
        "application/json": {
          schema: z.object({ items: z.array(StackEventSchema) }).openapi("StackEventList"),
        },
        "text/event-stream": { schema: z.string().openapi({ description: "Server-sent events." }) },
      },
    },
    ...problemResponses(400, 401, 404),
  },
});

/** How often the event stream looks for news. */
const STREAM_POLL_MS = 250;

export function deploymentRoutes(app: App, deps: AppDeps): void {
  app.openapi(createDeploymentRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const owner = await requireProject(c, deps, ref, "deployer");
    const { key } = owner;
    const body = (c.req.header("content-type")?.includes("json") ? c.req.valid("json") : undefined) ?? {};
    const out = await startedDeployment(c, deps, owner, body, () =>
      deploy(deploymentsContext(deps), {
        project: key,
        stage,
        actor: callerOf(c).keyId,
        ...(body.configVersion !== undefined ? { configVersion: body.configVersion } : {}),
        ...(body.artifacts ? { artifacts: body.artifacts } : {}),
      }),
    );
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listDeploymentsRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const { limit, cursor } = c.req.valid("query");
    const { key } = await requireProject(c, deps, ref, "viewer");
    const ctx = deploymentsContext(deps);
    const page = await readPage(() =>
      ctx.deployments.list(key, stage, { limit, ...(cursor ? { cursor } : {}) }),
    );
    return c.json({ ...page, items: page.items.map(toDeploymentBody) }, 200);
  });

  app.openapi(getDeploymentRoute, async (c) => {
    const { id } = c.req.valid("param");
    const deployment = await visibleDeployment(c, deps, id);
    const events = await deploymentsContext(deps).deployments.events(deployment.project, id);
    return c.json({ ...toDeploymentBody(deployment), events }, 200);
  });

  app.openapi(deploymentEventsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const first = await visibleDeployment(c, deps, id);
    const ctx = deploymentsContext(deps);
    if (!c.req.header("accept")?.includes("text/event-stream")) {
      return c.json({ items: await ctx.deployments.events(first.project, id) }, 200);
    }
    const resumeAfter = c.req.header("last-event-id");
    return streamSSE(c, async (stream) => {
      const sent = new Set<string>();
      const opened = Date.now();
      let deployment: Deployment | undefined = first;
      let firstPass = true;
      let cursor: string | undefined;
      while (!stream.aborted) {
        const settled = deployment !== undefined && isTerminal(deployment.status);
        // Each poll reads only the events stored since the previous one.
        const page = await ctx.deployments.eventsAfter(first.project, id, cursor);
        const events = page.events;
        cursor = page.cursor;
        if (firstPass && resumeAfter !== undefined) {
          // Resuming: what the client saw up to Last-Event-ID is not sent again.
          const seen = events.findIndex((e) => e.id === resumeAfter);
          for (const e of events.slice(0, seen + 1)) sent.add(e.id);
        }
        firstPass = false;
        for (const event of events) {
          if (sent.has(event.id)) continue;
          sent.add(event.id);
          await stream.writeSSE({ event: "stack-event", id: event.id, data: JSON.stringify(event) });
        }
        if (settled || !deployment) break;
        // Behind API Gateway and Lambda a response cannot stay open for long: end it, and the
        // client's EventSource reconnects with Last-Event-ID.
        if (Date.now() - opened >= ctx.settings.eventStreamMaxMs) return;
        await stream.sleep(STREAM_POLL_MS);
        deployment = await readDeployment(ctx, id);
      }
      if (deployment) {
        await stream.writeSSE({ event: "end", data: JSON.stringify(toDeploymentBody(deployment)) });
      }
    }) as never;
  });
}

/** The deployment, reconciled if stale, when the caller may view its project; 404 otherwise. */
async function visibleDeployment(
  c: Parameters<typeof callerOf>[0],
  deps: AppDeps,
  id: string,
): Promise<Deployment> {
  const ctx = deploymentsContext(deps);
  const found = await ctx.deployments.get(id);
  const missing = problems.notFound(`Deployment ${id} does not exist.`);
  if (!found) throw missing;
  try {
    await requireProjectByKey(c, deps, found.project, "viewer");
  } catch (err) {
    // Another team's deployment is as invisible as one that does not exist.
    if (err instanceof DomainError && err.code === "not-found") throw missing;
    throw err;
  }
  return (await readDeployment(ctx, id)) ?? found;
}
