import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requireProject } from "../auth/index.js";
import type { Role } from "../auth/roles.js";
import { detailTypeOf, withEnvelopeDetailTypeText } from "../buses/event-shape.js";
import {
  type BusLocation,
  cancelBusReplay,
  getBusReplay,
  type ListedReplay,
  listBusDeliveries,
  listBusReplays,
  listBusRules,
  matchEvent,
  publishEvents,
  type ReplayStatus,
  resolveBus,
  startBusReplay,
} from "../buses/index.js";
import { physicalRuleName } from "../buses/rule-names.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { idempotent } from "../http/idempotency.js";
import { idempotencyKeyHeader, jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { PageQuerySchema, pageSchema, readPage } from "../http/pagination.js";
import { problems } from "../http/problem.js";
import { dateTime, text } from "../http/text.js";
import type { BusScope } from "../store/index.js";
import { projectNameOfKey } from "../store/projects.js";
import { recordAudit } from "./audit.js";
import { StageParamsSchema } from "./deployments.js";

export const BusParamsSchema = StageParamsSchema.extend({
  bus: text({ min: 1, max: 128 }).openapi({
    param: { name: "bus", in: "path" },
    description: "The bus's resource name in the config.",
    example: "myEventBus",
  }),
});

const ReplayParamsSchema = BusParamsSchema.extend({
  name: z
    .string()
    .regex(/^[.\-_A-Za-z0-9]{1,64}$/, "a replay name")
    .openapi({ param: { name: "name", in: "path" } }),
});

/**
 * An event's detail type, written as EventBridge writes events (`detail-type`, the one shape of
 * publish, match, test-pattern and delivered events) or as PutEvents does (`detailType`): one of them.
 */
const detailTypeMembers = {
  "detail-type": z.string().optional().openapi({
    description: "The event's detail type, as EventBridge writes it in events. This or `detailType`.",
    example: "budget",
  }),
  detailType: z
    .string()
    .optional()
    .openapi({ description: "Accepted instead of `detail-type` (PutEvents' `DetailType`)." }),
};
const ONE_DETAIL_TYPE = { oneOf: [{ required: ["detail-type"] }, { required: ["detailType"] }] };

function oneDetailType(value: { "detail-type"?: unknown; detailType?: unknown }, ctx: z.RefinementCtx): void {
  const written = ["detail-type", "detailType"].filter((k) => value[k as keyof typeof value] !== undefined);
  if (written.length === 1) return;
  ctx.addIssue({
    code: "custom",
    path: ["detail-type"],
    message:
      written.length === 0
        ? "Required: the event's detail-type (or detailType)."
        : "Give detail-type or detailType, not both.",
  });
}

const PublishEntrySchema = z
  .object({
    source: z.string().openapi({ example: "my.publisher" }),
    ...detailTypeMembers,
    detail: z.record(z.string(), z.unknown()).openapi({ example: { EventName: "BUDGET_ANALYSIS" } }),
    resources: z.array(z.string()).optional(),
    time: dateTime().optional().openapi({ description: "Defaults to when the event is received." }),
  })
  .superRefine(oneDetailType)
  .openapi("PublishEntry", ONE_DETAIL_TYPE);

const PublishRequestSchema = z
  .object({ entries: z.array(PublishEntrySchema).min(1).max(10) })
  .openapi("PublishRequest");

const PublishResultSchema = z
  .object({
    failedEntryCount: z.number().int(),
    entries: z
      .array(
        z.union([
          z.object({ eventId: z.string() }),
          z.object({
            errorCode: z.string().openapi({ example: "InvalidArgument" }),
            errorMessage: z.string(),
          }),
        ]),
      )
      .openapi({ description: "One per entry sent, in the same order." }),
  })
  .openapi("PublishResult");

const BusTargetSchema = z
  .object({
    id: z.string(),
    arn: z.string(),
    input: z.string().optional(),
    inputPath: z.string().optional(),
    inputTransformer: z
      .object({ inputPathsMap: z.record(z.string(), z.string()).optional(), inputTemplate: z.string() })
      .optional(),
    retryPolicy: z
      .object({
        maximumRetryAttempts: z.number().int().optional(),
        maximumEventAgeInSeconds: z.number().int().optional(),
      })
      .optional(),
    deadLetterArn: z.string().optional(),
  })
  .openapi("BusTarget");

const BusRuleSchema = z
  .object({
    name: z.string(),
    arn: z.string(),
    state: z.string().openapi({ example: "ENABLED" }),
    eventPattern: z.unknown().optional().openapi({ description: "The rule's event pattern (JSON)." }),
    scheduleExpression: z.string().optional(),
    description: z.string().optional(),
    targets: z.array(BusTargetSchema),
  })
  .openapi("BusRule");

const BusRuleListSchema = z.object({ rules: z.array(BusRuleSchema) }).openapi("BusRuleList");

const MatchRequestSchema = z
  .object({
    event: z
      .object({ source: z.string(), ...detailTypeMembers })
      .catchall(z.unknown())
      .superRefine(oneDetailType)
      .openapi({
        ...ONE_DETAIL_TYPE,
        description:
          "The event; envelope fields it lacks (id, time, account, region, resources) get neutral values.",
        example: {
          source: "my.publisher",
          "detail-type": "budget",
          detail: { EventName: "BUDGET_ANALYSIS" },
        },
      }),
  })
  .openapi("MatchRequest");

const StartReplaySchema = z
  .object({
    from: dateTime().openapi({ description: "Replay events whose time is at or after this." }),
    to: dateTime().openapi({
      description:
        "...and before this. The window must end after it starts, not start in the future, and not lie wholly before what the archive keeps (400 `validation-error` naming each problem).",
    }),
    rules: z.array(z.string()).max(100).optional().openapi({
      description: "Rule names (as listed by the rules route); all rules of the bus when absent.",
    }),
  })
  .openapi("StartReplay");

const ReplaySchema = z
  .object({
    name: z.string(),
    state: z.enum(["STARTING", "RUNNING", "CANCELLING", "COMPLETED", "CANCELLED", "FAILED"]),
    stateReason: z.string().optional(),
    from: dateTime(),
    to: dateTime(),
    rules: z.array(z.string()).optional().openapi({ description: "The rules it is limited to, if any." }),
    startedAt: dateTime().optional(),
    endedAt: dateTime().optional(),
    lastReplayedEventTime: dateTime()
      .optional()
      .openapi({ description: "Event time of the last event replayed so far (EventBridge's progress)." }),
    progress: z.number().min(0).max(1).openapi({
      description:
        "How much of the window has been replayed, 0 to 1: where `lastReplayedEventTime` lies in it (1 once COMPLETED). EventBridge reports progress as an event time, not a count.",
      example: 0.5,
    }),
    startedBy: z
      .string()
      .optional()
      .openapi({ description: "Key id of who started it (in the list of the bus's replays)." }),
  })
  .openapi("Replay");

const DeliverySchema = z
  .object({
    id: z.string(),
    rule: z.string(),
    ruleArn: z.string(),
    targetId: z.string(),
    targetArn: z.string(),
    eventId: z.string(),
    replayName: z.string().optional().openapi({ description: "Set when a replay delivered it." }),
    deliveredAt: dateTime(),
    input: z.string().openapi({
      description: "Exactly what the target received (after Input / InputPath / InputTransformer).",
    }),
    outcome: z.enum(["delivered", "failed", "dead-lettered"]).optional().openapi({
      description:
        "Set when attempts failed (a failure drill): delivered in the end, dropped after the retry policy's last attempt, or sent to the target's dead-letter queue.",
    }),
    attempts: z.number().int().optional().openapi({ description: "Attempts made (1 + retries)." }),
    error: z
      .object({ code: z.string(), message: z.string() })
      .optional()
      .openapi({ description: "Why the attempts failed." }),
    deadLetterArn: z.string().optional().openapi({ description: "The queue a dead-lettered event went to." }),
  })
  .openapi("Delivery");

const DeliveriesQuerySchema = PageQuerySchema.extend({
  rule: text({ max: 64 })
    .optional()
    .openapi({
      param: { name: "rule", in: "query" },
      description:
        "Only this rule's deliveries: named as in the config, `myConsumer` (the resource's only event-bus " +
        "trigger on this bus) or `myConsumer.1` (its `events[1]`), or by its physical name (as the rules " +
        "route lists it). A config name with no rule on this bus answers 404.",
      example: "myConsumerBatchJob",
    }),
});

export const BASE = "/v1/projects/{project}/stages/{stage}/buses/{bus}";

/** A bus route: on a project's stage, for `role` and up. */
const route = <R extends Parameters<typeof createRoute>[0]>(role: Role, r: R) =>
  createRoute({ ...r, tags: ["Buses"], ...access.project(role) });

const publishRoute = route("deployer", {
  method: "post",
  path: `${BASE}/events`,
  operationId: "buses.publish",
  summary: "Publish events to a deployed bus",
  description:
    "PutEvents: 1 to 10 entries; each answers an event id or EventBridge's error. Deployer role or above.",
  request: { params: BusParamsSchema, body: jsonBody(PublishRequestSchema) },
  responses: {
    200: jsonContent(PublishResultSchema, "One result per entry."),
    ...problemResponses(400, 401, 403, 404),
  },
});

const listRulesRoute = route("viewer", {
  method: "get",
  path: `${BASE}/rules`,
  operationId: "buses.rules",
  summary: "List a bus's rules",
  description: "Every rule on the bus with its pattern and targets. Any role.",
  request: { params: BusParamsSchema },
  responses: { 200: jsonContent(BusRuleListSchema, "The rules."), ...problemResponses(400, 401, 404) },
});

const matchRoute = route("viewer", {
  method: "post",
  path: `${BASE}/match`,
  operationId: "buses.match",
  summary: "Which rules an event would match",
  description: "Matches the event against every rule of the bus without publishing it. Any role.",
  request: { params: BusParamsSchema, body: jsonBody(MatchRequestSchema) },
  responses: {
    200: jsonContent(BusRuleListSchema, "The matching rules."),
    ...problemResponses(400, 401, 404),
  },
});

const startReplayRoute = route("deployer", {
  method: "post",
  path: `${BASE}/replays`,
  operationId: "replays.create",
  summary: "Replay archived events",
  description:
    "Re-delivers the archived events of a time window to the bus's rules (or the ones named), marked with " +
    "`replay-name`. 409 when the bus has no archive, the team already runs 3 replays, or 10 run in all. " +
    "Deployer role or above. " +
    "Supports `Idempotency-Key`.",
  request: {
    params: BusParamsSchema,
    headers: z.object(idempotencyKeyHeader),
    body: jsonBody(StartReplaySchema),
  },
  responses: {
    202: {
      ...jsonContent(ReplaySchema, "The replay, started."),
      headers: {
        Location: { schema: { type: "string" as const }, description: "Where to poll the replay." },
      },
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const listReplaysRoute = route("viewer", {
  method: "get",
  path: `${BASE}/replays`,
  operationId: "replays.list",
  summary: "The bus's replays",
  description:
    "Replays started on this bus through Switchyard, newest first, with their state, window and progress. Any role.",
  request: { params: BusParamsSchema, query: PageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(ReplaySchema, "ReplayPage"), "A page of replays."),
    ...problemResponses(400, 401, 404),
  },
});

const getReplayRoute = route("viewer", {
  method: "get",
  path: `${BASE}/replays/{name}`,
  operationId: "replays.get",
  summary: "A replay's progress",
  description: "STARTING → RUNNING → COMPLETED, or CANCELLING → CANCELLED, or FAILED. Any role.",
  request: { params: ReplayParamsSchema },
  responses: { 200: jsonContent(ReplaySchema, "The replay."), ...problemResponses(400, 401, 404) },
});

const cancelReplayRoute = route("deployer", {
  method: "post",
  path: `${BASE}/replays/{name}/cancel`,
  operationId: "replays.cancel",
  summary: "Cancel a replay",
  description: "Only while STARTING or RUNNING (else 409). Deployer role or above.",
  request: { params: ReplayParamsSchema },
  responses: {
    200: jsonContent(ReplaySchema, "The replay, cancelling."),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const deliveriesRoute = route("viewer", {
  method: "get",
  path: `${BASE}/deliveries`,
  operationId: "buses.deliveries",
  summary: "What the bus delivered",
  description:
    "The embedded engine records every target invocation (targets never run inside the control plane), newest " +
    "first. On AWS this answers 501: EventBridge keeps no such log; `deliveries/counts` answers per rule and " +
    "target counts over a window on both. Any role.",
  request: { params: BusParamsSchema, query: DeliveriesQuerySchema },
  responses: {
    200: jsonContent(pageSchema(DeliverySchema, "DeliveryPage"), "A page of deliveries."),
    ...problemResponses(400, 401, 404, 501),
  },
});

const ruleName = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

/** How much of the window is replayed: where the last replayed event time lies in it. */
function progressOf(r: Pick<ReplayStatus, "state" | "from" | "to" | "lastReplayedEventTime">): number {
  if (r.state === "COMPLETED") return 1;
  const span = r.to.getTime() - r.from.getTime();
  if (!r.lastReplayedEventTime || span <= 0) return 0;
  const done = (r.lastReplayedEventTime.getTime() - r.from.getTime()) / span;
  return Math.round(Math.min(1, Math.max(0, done)) * 1000) / 1000;
}

function replayBody(r: ReplayStatus | ListedReplay) {
  const rules = "ruleArns" in r ? r.ruleArns?.map(ruleName) : "rules" in r ? r.rules : undefined;
  return {
    name: r.name,
    state: r.state,
    ...(r.stateReason ? { stateReason: r.stateReason } : {}),
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    ...(rules ? { rules } : {}),
    ...(r.startedAt ? { startedAt: r.startedAt.toISOString() } : {}),
    ...(r.endedAt ? { endedAt: r.endedAt.toISOString() } : {}),
    ...(r.lastReplayedEventTime ? { lastReplayedEventTime: r.lastReplayedEventTime.toISOString() } : {}),
    progress: progressOf(r),
    ...("startedBy" in r ? { startedBy: r.startedBy } : {}),
  };
}

/**
 * The caller may act on the project with `role`, and the stage has this bus deployed: the bus, its
 * team, where its records live, and the stage's applied template (for rule names).
 */
export async function deployedBus(
  c: Parameters<typeof requireProject>[0],
  deps: AppDeps,
  params: { project: string; stage: string; bus: string },
  role: Role,
): Promise<{ bus: BusLocation; team: string; scope: BusScope; appliedTemplate?: unknown }> {
  const { key, team } = await requireProject(c, deps, params.project, role);
  const stage = await deps.store.stages.get(key, params.stage);
  return {
    bus: resolveBus(stage, params),
    team,
    scope: { project: key, stage: params.stage, bus: params.bus },
    ...(stage?.appliedTemplate ? { appliedTemplate: stage.appliedTemplate } : {}),
  };
}

export function busRoutes(app: App, deps: AppDeps): void {
  const stages = deps.store.stages;
  const ops = () => {
    if (!deps.busOps) throw problems.notImplemented("This server has no bus operations configured.");
    return deps.busOps;
  };

  const busAndTeamOf = (
    c: Parameters<typeof requireProject>[0],
    params: { project: string; stage: string; bus: string },
    role: Role,
  ) => deployedBus(c, deps, params, role);

  async function busOf(
    c: Parameters<typeof requireProject>[0],
    params: { project: string; stage: string; bus: string },
    role: Role,
  ): Promise<BusLocation> {
    return (await busAndTeamOf(c, params, role)).bus;
  }

  app.openapi(publishRoute, async (c) => {
    const bus = await busOf(c, c.req.valid("param"), "deployer");
    const { entries } = c.req.valid("json");
    // The validated body went through JSON.parse, which rounds big numbers: each detail is sent as
    // the caller's own text instead (Hono keeps the text it parsed). Loaded on the first publish.
    const { detailTexts } = await import("../buses/detail-text.js");
    const details = detailTexts(await c.req.text(), entries.length);
    const result = await publishEvents(
      ops(),
      bus,
      entries.map(({ time, detail: _parsed, "detail-type": _type, detailType: _alias, ...entry }, i) => ({
        ...entry,
        detailType: String(detailTypeOf(entries[i]!)),
        detail: details[i]!,
        ...(time ? { time: new Date(time) } : {}),
      })),
    );
    return c.json(result, 200);
  });

  app.openapi(listRulesRoute, async (c) => {
    const bus = await busOf(c, c.req.valid("param"), "viewer");
    return c.json({ rules: await listBusRules(ops(), bus) }, 200);
  });

  app.openapi(matchRoute, async (c) => {
    const bus = await busOf(c, c.req.valid("param"), "viewer");
    // The schema validated JSON.parse's reading, which rounds big numbers: the event is matched as
    // the caller's own text instead, as publish does with each detail.
    const { eventText } = await import("../buses/detail-text.js");
    const text = withEnvelopeDetailTypeText(eventText(await c.req.text()));
    return c.json({ rules: await matchEvent(ops(), bus, text) }, 200);
  });

  app.openapi(startReplayRoute, async (c) => {
    const params = c.req.valid("param");
    const { bus, team, scope } = await busAndTeamOf(c, params, "deployer");
    const input = c.req.valid("json");
    const out = await idempotent(c, deps, input, async () => {
      const replay = await startBusReplay(
        ops(),
        {
          slots: deps.store.replaySlots,
          history: deps.store.replays,
          team,
          scope,
          startedBy: callerOf(c).keyId,
        },
        bus,
        {
          from: new Date(input.from),
          to: new Date(input.to),
          ...(input.rules ? { rules: input.rules } : {}),
        },
        deps.now(),
      );
      await recordAudit(c, deps, {
        teams: [team],
        project: projectNameOfKey(scope.project),
        action: "replay.start",
        target: { kind: "replay", id: replay.name, stage: params.stage, bus: params.bus },
        details: { from: input.from, to: input.to, ...(input.rules ? { rules: input.rules } : {}) },
      });
      return {
        status: 202 as const,
        body: replayBody(replay),
        headers: { location: `${c.req.path}/${replay.name}` },
      };
    });
    return c.json(out.body, out.status, out.headers);
  });

  app.openapi(listReplaysRoute, async (c) => {
    const params = c.req.valid("param");
    const { scope } = await busAndTeamOf(c, params, "viewer");
    const { limit, cursor } = c.req.valid("query");
    const page = await readPage(() =>
      listBusReplays(ops(), deps.store.replays, scope, { limit, ...(cursor ? { cursor } : {}) }),
    );
    return c.json({ ...page, items: page.items.map(replayBody) }, 200);
  });

  app.openapi(getReplayRoute, async (c) => {
    const params = c.req.valid("param");
    const bus = await busOf(c, params, "viewer");
    return c.json(replayBody(await getBusReplay(ops(), bus, params.name)), 200);
  });

  app.openapi(cancelReplayRoute, async (c) => {
    const params = c.req.valid("param");
    const { bus, team, scope } = await busAndTeamOf(c, params, "deployer");
    const replay = await cancelBusReplay(ops(), bus, params.name);
    await recordAudit(c, deps, {
      teams: [team],
      project: projectNameOfKey(scope.project),
      action: "replay.cancel",
      target: { kind: "replay", id: replay.name, stage: params.stage, bus: params.bus },
    });
    return c.json(replayBody(replay), 200);
  });

  app.openapi(deliveriesRoute, async (c) => {
    const params = c.req.valid("param");
    const { key } = await requireProject(c, deps, params.project, "viewer");
    const stage = await stages.get(key, params.stage);
    const bus = resolveBus(stage, params);
    const query = c.req.valid("query");
    const rule =
      query.rule &&
      (await physicalRuleName(
        query.rule,
        stage?.appliedTemplate,
        async () => (await listBusRules(ops(), bus)).map((r) => r.name),
        params,
      ));
    const page = await listBusDeliveries(ops(), bus, {
      limit: query.limit,
      ...(rule ? { rule } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return c.json(page, 200);
  });
}
