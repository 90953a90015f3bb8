/** A stage's delivery health: per rule of each of its buses, the last hour and the last day. */
import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { requireProject } from "../auth/index.js";
import { viaEventBridge } from "../buses/errors.js";
import { resolveBus } from "../buses/resolve.js";
import { physicalRuleName } from "../buses/rule-names.js";
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import { resourceNameOf } from "../eventbridge/arns.js";
import type { App } from "../http/env.js";
import { jsonContent, problemResponses } from "../http/openapi.js";
import { dateTime, text } from "../http/text.js";
import { BusParamsSchema } from "./buses.js";
import { StageParamsSchema } from "./deployments.js";

const CountsSchema = z
  .object({
    matched: z.number().openapi({ description: "Events the rule matched." }),
    delivered: z.number().openapi({ description: "Successful target invocations." }),
    failed: z.number().openapi({ description: "Invocations that failed for good." }),
    deadLettered: z.number().openapi({ description: "Events sent to a dead-letter queue." }),
    throttled: z.number().openapi({ description: "Invocations EventBridge throttled (AWS only)." }),
  })
  .openapi("DeliveryCounts");

const StageHealthSchema = z
  .object({
    at: z.string().openapi({ format: "date-time" }),
    buses: z.array(
      z.object({
        bus: z.string().openapi({ description: "The bus's resource name in the config." }),
        name: z.string().openapi({ description: "Its physical name." }),
        rules: z.array(
          z.object({
            rule: z.string().openapi({ description: "The rule's physical name." }),
            lastHour: CountsSchema,
            lastDay: CountsSchema,
          }),
        ),
      }),
    ),
  })
  .openapi("StageHealth");

const stageHealthRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages/{stage}/health",
  operationId: "stages.health",
  tags: ["Stages"],
  summary: "How the stage's rules deliver",
  description:
    "Viewers and above. Per rule of each bus of the stage: events matched, delivered, failed and sent to a dead-letter queue, over the last hour and the last day. On AWS from CloudWatch's AWS/Events metrics (one GetMetricData request per bus, hourly sums; CloudWatch publishes them a few minutes late); on the embedded default from the delivery log.",
  ...access.project("viewer"),
  request: { params: StageParamsSchema },
  responses: {
    200: jsonContent(StageHealthSchema, "The stage's health."),
    ...problemResponses(400, 401, 403, 404, 501, 503),
  },
});

/** The longest window bus metrics sum over. */
const MAX_WINDOW_DAYS = 15;

const BusMetricsQuerySchema = z.object({
  from: dateTime()
    .optional()
    .openapi({ param: { name: "from", in: "query" }, description: "Default: an hour before `to`." }),
  to: dateTime()
    .optional()
    .openapi({ param: { name: "to", in: "query" }, description: "Default: now." }),
});

const BusMetricsSchema = z
  .object({
    from: z.string().openapi({ format: "date-time" }),
    to: z.string().openapi({ format: "date-time" }),
    rules: z.array(z.object({ rule: z.string(), counts: CountsSchema })),
  })
  .openapi("BusMetrics");

const busMetricsRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages/{stage}/buses/{bus}/metrics",
  operationId: "buses.metrics",
  tags: ["Buses"],
  summary: "What the bus's rules matched and delivered over a window",
  description: `Viewers and above. Per rule: events matched, delivered, failed, dead-lettered and throttled between \`from\` and \`to\` (at most ${MAX_WINDOW_DAYS} days; default the last hour). On AWS from CloudWatch's AWS/Events metrics (one GetMetricData request), on the embedded default from the delivery log.`,
  ...access.project("viewer"),
  request: { params: BusParamsSchema, query: BusMetricsQuerySchema },
  responses: {
    200: jsonContent(BusMetricsSchema, "The counts."),
    ...problemResponses(400, 401, 403, 404, 501, 503),
  },
});

/** Rules one deliveries/counts request counts: CloudWatch's 500 queries of GetMetricData, 5 per rule. */
const MAX_COUNTED_RULES = 100;

const DeliveryCountsQuerySchema = BusMetricsQuerySchema.extend({
  rule: text({ max: 64 })
    .optional()
    .openapi({
      param: { name: "rule", in: "query" },
      description:
        "Only this rule: named as in the config (`myConsumer`, `myConsumer.1`) or by its physical name, as `deliveries` takes it.",
      example: "myConsumer",
    }),
});

const DeliveryCountsSchema = z
  .object({
    from: z.string().openapi({ format: "date-time" }),
    to: z.string().openapi({ format: "date-time" }),
    rules: z.array(
      z.object({
        rule: z.string().openapi({ description: "The rule's physical name." }),
        counts: CountsSchema,
        targets: z.array(
          z.object({
            targetId: z.string(),
            targetArn: z.string(),
            counts: CountsSchema.optional().openapi({
              description:
                "The target's share: `matched` is the events the rule sent it. Absent on AWS when the rule has several targets (CloudWatch counts per rule only).",
            }),
          }),
        ),
      }),
    ),
    truncated: z.boolean().openapi({
      description: `True when the bus has more rules than one request counts (${MAX_COUNTED_RULES}); ask for the others with \`rule\`.`,
    }),
  })
  .openapi("BusDeliveryCounts");

const deliveryCountsRoute = createRoute({
  method: "get",
  path: "/v1/projects/{project}/stages/{stage}/buses/{bus}/deliveries/counts",
  operationId: "buses.deliveryCounts",
  tags: ["Buses"],
  summary: "What the bus delivered, counted per rule and target over a window",
  description: `Viewers and above. The same on both adapters: per rule and per target, events matched, delivered, failed, dead-lettered and throttled between \`from\` and \`to\` (at most ${MAX_WINDOW_DAYS} days; default the last hour), for up to ${MAX_COUNTED_RULES} rules. On AWS, where single deliveries are not observable, from CloudWatch's AWS/Events metrics (one GetMetricData request, read with the SDK's paginator; per rule only, so a target has counts when it is its rule's only one); on the embedded default counted from the delivery log.`,
  ...access.project("viewer"),
  request: { params: BusParamsSchema, query: DeliveryCountsQuerySchema },
  responses: {
    200: jsonContent(DeliveryCountsSchema, "The counts."),
    ...problemResponses(400, 401, 403, 404, 501, 503),
  },
});

/** `from`/`to` of a counts request: default the last hour, at most MAX_WINDOW_DAYS. */
function windowOf(query: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 3_600_000);
  const span = to.getTime() - from.getTime();
  if (span <= 0 || span > MAX_WINDOW_DAYS * 86_400_000) {
    throw new DomainError(
      "validation-error",
      `The window must end after it starts and span at most ${MAX_WINDOW_DAYS} days.`,
      {
        errors: [
          {
            path: "to",
            message: `from ${from.toISOString()} to ${to.toISOString()} is not such a window.`,
          },
        ],
      },
    );
  }
  return { from, to };
}

export function stageHealthRoutes(app: App, deps: AppDeps): void {
  app.openapi(busMetricsRoute, async (c) => {
    const params = c.req.valid("param");
    const query = c.req.valid("query");
    const { key } = await requireProject(c, deps, params.project, "viewer");
    const bus = resolveBus(await deps.store.stages.get(key, params.stage), params);
    const { from, to } = windowOf(query, deps.now());
    const { busOps, ruleMetrics } = deps;
    if (!busOps || !ruleMetrics) {
      throw new DomainError("not-implemented", "This server has no bus operations or metrics configured.");
    }
    const rules = (await viaEventBridge(() => busOps.listRules(bus))).map((r) => r.name);
    const counts = await ruleMetrics.ruleCounts(bus, rules, { from, to });
    return c.json({ from: from.toISOString(), to: to.toISOString(), rules: counts }, 200);
  });

  app.openapi(deliveryCountsRoute, async (c) => {
    const params = c.req.valid("param");
    const query = c.req.valid("query");
    const { key } = await requireProject(c, deps, params.project, "viewer");
    const stage = await deps.store.stages.get(key, params.stage);
    const bus = resolveBus(stage, params);
    const { from, to } = windowOf(query, deps.now());
    const { busOps, ruleMetrics } = deps;
    if (!busOps || !ruleMetrics) {
      throw new DomainError("not-implemented", "This server has no bus operations or metrics configured.");
    }
    const all = await viaEventBridge(() => busOps.listRules(bus));
    const only =
      query.rule &&
      (await physicalRuleName(
        query.rule,
        stage?.appliedTemplate,
        async () => all.map((r) => r.name),
        params,
      ));
    const rules = only ? all.filter((r) => r.name === only) : all;
    if (only && rules.length === 0) {
      throw new DomainError(
        "not-found",
        `Event bus ${params.bus} of stage ${params.stage} has no rule ${only}.`,
      );
    }
    const counted = await ruleMetrics.deliveryCounts(bus, rules.slice(0, MAX_COUNTED_RULES), { from, to });
    return c.json(
      {
        from: from.toISOString(),
        to: to.toISOString(),
        rules: counted,
        truncated: rules.length > counted.length,
      },
      200,
    );
  });

  app.openapi(stageHealthRoute, async (c) => {
    const params = c.req.valid("param");
    const { key } = await requireProject(c, deps, params.project, "viewer");
    const stage = await deps.store.stages.get(key, params.stage);
    if (!stage?.deployed) {
      throw new DomainError(
        "not-found",
        `Stage ${params.stage} of project ${params.project} is not deployed.`,
      );
    }
    const { busOps, ruleMetrics } = deps;
    if (!busOps || !ruleMetrics) {
      throw new DomainError("not-implemented", "This server has no bus operations or metrics configured.");
    }
    const now = deps.now();
    const buses = [];
    for (const [bus, outputs] of Object.entries(stage.outputs)) {
      if (!outputs.arn || !resourceNameOf(outputs.arn, "event-bus")) continue;
      const location = resolveBus(stage, { ...params, bus });
      const rules = (await viaEventBridge(() => busOps.listRules(location))).map((r) => r.name);
      buses.push({ bus, name: location.name, rules: await ruleMetrics.ruleHealth(location, rules, now) });
    }
    return c.json({ at: now.toISOString(), buses }, 200);
  });
}
