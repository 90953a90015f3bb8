import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requireProject } from "../auth/index.js";
import { deploymentsContext } from "../deployments/index.js";
import {
  continueRollback,
  DEFAULT_ROUTING_SAMPLE,
  MAX_ROUTING_SAMPLE,
  previewStage,
  readStage,
  rollback,
  teardown,
} from "../deployments/use-cases.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { idempotencyKeyHeader, jsonContent, locationHeader, problemResponses } from "../http/openapi.js";
import { problems } from "../http/problem.js";
import { projectNameOfKey } from "../store/projects.js";
import type { StageSummary } from "../store/stages.js";
import {
  DeploymentSchema,
  DeployRequestSchema,
  optionalJsonBody,
  StageParamsSchema,
  startedDeployment,
  toDeploymentBody,
} from "./deployments.js";
import { ProjectParamsSchema } from "./projects.js";

const StageSchema = z
  .object({
    project: z.string(),
    stage: z.string(),
    stackName: z.string().openapi({ example: "payments--orders--dev" }),
    stackId: z.string().optional(),
    status: z.enum(["DEPLOYING", "DEPLOYED", "FAILED", "DELETING", "DELETED"]),
    deployed: z.boolean().openapi({ description: "Whether the stack exists." }),
    deployedConfigVersion: z
      .number()
      .int()
      .optional()
      .openapi({ description: "The config version the stage runs." }),
    currentDeploymentId: z
      .string()
      .optional()
      .openapi({ description: "The deployment running now, if any." }),
    lastDeploymentId: z.string().optional(),
    lastSucceededDeploymentId: z.string().optional(),
    outputs: z.record(z.string(), z.record(z.string(), z.string())).openapi({
      description: "Referenceable params per config resource.",
      example: {
        myBus: { arn: "arn:aws:events:us-east-1:000000000000:event-bus/payments--orders--dev-myBus" },
      },
    }),
    needsAction: z.string().optional().openapi({
      description:
        "Set when the stack is stuck and needs a human (e.g. UPDATE_ROLLBACK_FAILED, which `POST .../continue-rollback` resolves); cleared when a deployment of the stage succeeds.",
    }),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Stage");

const StageDetailSchema = StageSchema.extend({
  lastDeployment: DeploymentSchema.optional().openapi({
    description: "The newest deployment (running or ended).",
  }),
}).openapi("StageDetail");

const StackChangeSchema = z
  .object({
    action: z.enum(["Add", "Modify", "Remove"]),
    logicalId: z.string().openapi({ example: "MyBusArchive" }),
    resourceType: z.string().openapi({ example: "AWS::Events::Archive" }),
    replacement: z.enum(["True", "False", "Conditional"]).optional().openapi({
      description: "For Modify: whether the resource is replaced by a new one.",
    }),
    properties: z
      .array(z.string())
      .optional()
      .openapi({ description: "For Modify: the properties that change." }),
  })
  .openapi("StackChange");

const RuleSideSchema = z
  .object({
    name: z.string().optional().openapi({ description: "The rule's physical name." }),
    bus: z.string().openapi({ description: "The physical name of the bus it is on." }),
    eventPattern: z.unknown().optional().openapi({ description: "Its event pattern (JSON)." }),
    scheduleExpression: z.string().optional(),
    state: z.string().openapi({ example: "ENABLED" }),
    targets: z.array(
      z.object({
        id: z.string(),
        arn: z.string().openapi({
          description:
            "The target's ARN, or the resource it names (`MyQueue.Arn`) when the template computes it.",
        }),
      }),
    ),
  })
  .openapi("RoutingRuleSide");

const RoutingDiffSchema = z
  .object({
    rules: z.array(
      z
        .object({
          rule: z
            .string()
            .openapi({ description: "The rule's logical ID.", example: "MyConsumerEvent0Rule" }),
          change: z.enum(["added", "changed", "removed"]),
          changed: z
            .array(z.enum(["eventPattern", "targets", "state", "bus", "scheduleExpression"]))
            .optional()
            .openapi({ description: "For a changed rule: what differs." }),
          before: RuleSideSchema.optional(),
          after: RuleSideSchema.optional(),
          sample: z
            .object({
              events: z.number().int().openapi({ description: "Recent events of its bus evaluated." }),
              matchedBefore: z.number().int(),
              matchedAfter: z.number().int(),
              examples: z
                .array(
                  z.object({ event: z.unknown(), matchedBefore: z.boolean(), matchedAfter: z.boolean() }),
                )
                .openapi({ description: "Up to 3 events whose routing by this rule changes." }),
            })
            .optional(),
        })
        .openapi("RoutingChange"),
    ),
    samples: z.array(
      z
        .object({
          bus: z.string(),
          source: z.string().openapi({
            description:
              "Where the recent events came from: `archive`, `delivery-log` (embedded default), `log-sample` (AWS: the bus's `switchyardEventSample`), or `none`.",
          }),
          events: z.number().int(),
          note: z.string().optional(),
        })
        .openapi("RoutingSample"),
    ),
  })
  .openapi("RoutingDiff");

const PreviewSchema = z
  .object({
    configVersion: z.number().int(),
    stackName: z.string(),
    changes: z.array(StackChangeSchema),
    warnings: z.array(z.string()),
    routing: RoutingDiffSchema.openapi({
      description:
        "The event rules the version adds, changes or removes, with patterns and targets, and how many of the stage's recent events each matches before and after.",
    }),
  })
  .openapi("Preview");

const PreviewRequestSchema = DeployRequestSchema.extend({
  routingSample: z
    .number()
    .int()
    .min(0)
    .max(MAX_ROUTING_SAMPLE)
    .optional()
    .openapi({
      description: `Recent events per bus to evaluate changed rules against (default ${DEFAULT_ROUTING_SAMPLE}, at most ${MAX_ROUTING_SAMPLE}; 0: none).`,
    }),
})
  .strict()
  .openapi("PreviewRequest");

const listStagesRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages",
  operationId: "stages.list",
  tags: ["Stages"],
  summary: "List a project's stages",
  description: "Viewers and above. Every stage with its status, deployed version and outputs.",
  ...access.project("viewer"),
  request: { params: ProjectParamsSchema },
  responses: {
    200: jsonContent(z.object({ items: z.array(StageSchema) }).openapi("StageList"), "The stages, by name."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const getStageRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages/{stage}",
  operationId: "stages.get",
  tags: ["Stages"],
  summary: "Get a stage",
  description:
    "Viewers and above. Status, deployed config version, the current or last deployment, outputs per resource (`arn`, `archiveArn`, ...) and the stack name.",
  ...access.project("viewer"),
  request: { params: StageParamsSchema },
  responses: {
    200: jsonContent(StageDetailSchema, "The stage."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const previewRoute = createRoute({
  method: "post",
  path: "/v1/projects/{project}/stages/{stage}/previews",
  operationId: "stages.preview",
  tags: ["Stages"],
  summary: "Preview a deployment",
  description:
    "Deployers and above. What deploying the version (default: the latest) would change: resources added, modified (with replacement) and removed, by logical ID and type; and in `routing`, the event rules added, changed and removed, each evaluated against the stage's recent events (the bus's archive, else its delivery log, on the embedded default; none on AWS). Changes nothing.",
  ...access.project("deployer"),
  request: { params: StageParamsSchema, body: optionalJsonBody(PreviewRequestSchema) },
  responses: {
    200: jsonContent(PreviewSchema, "The planned changes."),
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const rollbackRoute = createRoute({
  method: "post",
  path: "/v1/projects/{project}/stages/{stage}/rollback",
  operationId: "stages.rollback",
  tags: ["Stages"],
  summary: "Roll a stage back",
  description:
    "Deployers and above. A new deployment of the last succeeded config version before the one the stage runs, with the same template and artifacts; 409 when there is none or a deployment is running. Supports `Idempotency-Key`.",
  ...access.project("deployer"),
  request: { params: StageParamsSchema, headers: z.object(idempotencyKeyHeader) },
  responses: {
    202: { ...jsonContent(DeploymentSchema, "The rollback deployment."), headers: locationHeader },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const deleteStageRoute = createRoute({
  method: "delete",
  path: "/v1/projects/{project}/stages/{stage}",
  operationId: "stages.delete",
  tags: ["Stages"],
  summary: "Tear a stage down",
  description:
    "Deployers and above. Starts a teardown deployment that deletes the stack and everything in it; the stage ends DELETED. 409 while another deployment runs. Supports `Idempotency-Key`: a retried DELETE with the same key answers the same teardown instead of starting another.",
  ...access.project("deployer"),
  request: { params: StageParamsSchema, headers: z.object(idempotencyKeyHeader) },
  responses: {
    202: { ...jsonContent(DeploymentSchema, "The teardown deployment."), headers: locationHeader },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const ContinueRollbackRequestSchema = z
  .object({
    resourcesToSkip: z
      .array(z.string().regex(/^[A-Za-z0-9]{1,255}$/, "a logical ID (letters and digits)"))
      .min(1)
      .max(500)
      .optional()
      .openapi({
        description:
          "Logical IDs of resources in UPDATE_FAILED that CloudFormation marks rolled back without acting on them (they may then no longer match the template). Only for resources the rollback cannot restore; fix them first where you can.",
        example: ["MyBusEventBus"],
      }),
  })
  .strict()
  .openapi("ContinueRollbackRequest");

const continueRollbackRoute = createRoute({
  method: "post",
  path: "/v1/projects/{project}/stages/{stage}/continue-rollback",
  operationId: "stages.continueRollback",
  tags: ["Stages"],
  summary: "Continue a stage's failed rollback",
  description:
    "Maintainers and above. For a stack stuck in UPDATE_ROLLBACK_FAILED (the stage shows `needsAction`): continues the rollback (CloudFormation's ContinueUpdateRollback, through the service role) as a deployment of kind `continue-rollback`. It SUCCEEDS when the stack is back in UPDATE_ROLLBACK_COMPLETE: the stage then runs the version it ran before the failed update and `needsAction` is cleared; if the rollback fails again it ends FAILED and the stage still needs action. 409 `nothing-to-continue` when the stack is not in UPDATE_ROLLBACK_FAILED, 422 `resources-not-skippable` when a resource to skip is not in UPDATE_FAILED (neither starts a deployment), 409 while another deployment runs. Supports `Idempotency-Key`.",
  ...access.project("maintainer"),
  request: {
    params: StageParamsSchema,
    headers: z.object(idempotencyKeyHeader),
    body: optionalJsonBody(ContinueRollbackRequestSchema),
  },
  responses: {
    202: { ...jsonContent(DeploymentSchema, "The continue-rollback deployment."), headers: locationHeader },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const stageBody = ({
  appliedTemplate: _t,
  appliedParameters: _p,
  stackOutputs: _s,
  ...rest
}: StageSummary & {
  appliedTemplate?: unknown;
  appliedParameters?: unknown;
}) => ({ ...rest, project: projectNameOfKey(rest.project) });

export function stageRoutes(app: App, deps: AppDeps): void {
  app.openapi(listStagesRoute, async (c) => {
    const { project: ref } = c.req.valid("param");
    const { key: project } = await requireProject(c, deps, ref, "viewer");
    const ctx = deploymentsContext(deps);
    const listed = await ctx.stages.list(project);
    // A stage with an operation under way is read as GET of that stage reads it (reconciled when the
    // operation has gone quiet), so the list never shows a status the stack has already left.
    const stages = await Promise.all(
      listed.map(async (s) => (s.currentDeploymentId ? ((await readStage(ctx, project, s.stage)) ?? s) : s)),
    );
    return c.json({ items: stages.map(stageBody) }, 200);
  });

  app.openapi(getStageRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const { key: project } = await requireProject(c, deps, ref, "viewer");
    const ctx = deploymentsContext(deps);
    const found = await readStage(ctx, project, stage);
    if (!found) throw problems.notFound(`Project ${ref} has no stage ${stage}.`);
    const last = found.lastDeploymentId ? await ctx.deployments.get(found.lastDeploymentId) : undefined;
    return c.json({ ...stageBody(found), ...(last ? { lastDeployment: toDeploymentBody(last) } : {}) }, 200);
  });

  app.openapi(previewRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const { key: project } = await requireProject(c, deps, ref, "deployer");
    const body = (c.req.header("content-type")?.includes("json") ? c.req.valid("json") : undefined) ?? {};
    const ops = deps.busOps;
    const preview = await previewStage(deploymentsContext(deps), {
      project,
      stage,
      routingSample: body.routingSample ?? DEFAULT_ROUTING_SAMPLE,
      ...(ops
        ? {
            recentEvents: (bus: string, limit: number, deadline: number) =>
              ops.recentEvents(bus, limit, deadline),
          }
        : {}),
      ...(body.configVersion !== undefined ? { configVersion: body.configVersion } : {}),
      ...(body.artifacts ? { artifacts: body.artifacts } : {}),
    });
    return c.json(preview, 200);
  });

  app.openapi(rollbackRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const owner = await requireProject(c, deps, ref, "deployer");
    const project = owner.key;
    const out = await startedDeployment(c, deps, owner, {}, () =>
      rollback(deploymentsContext(deps), { project, stage, actor: callerOf(c).keyId }),
    );
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(continueRollbackRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const owner = await requireProject(c, deps, ref, "maintainer");
    const project = owner.key;
    const body = (c.req.header("content-type")?.includes("json") ? c.req.valid("json") : undefined) ?? {};
    const out = await startedDeployment(c, deps, owner, body, () =>
      continueRollback(deploymentsContext(deps), {
        project,
        stage,
        actor: callerOf(c).keyId,
        ...(body.resourcesToSkip ? { resourcesToSkip: body.resourcesToSkip } : {}),
      }),
    );
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(deleteStageRoute, async (c) => {
    const { project: ref, stage } = c.req.valid("param");
    const owner = await requireProject(c, deps, ref, "deployer");
    const project = owner.key;
    const out = await startedDeployment(c, deps, owner, {}, () =>
      teardown(deploymentsContext(deps), { project, stage, actor: callerOf(c).keyId }),
    );
    return c.json(out.body, out.status, out.headers);
  });
}
