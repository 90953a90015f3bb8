/**
 * When deliveries fail: failure drills on the embedded default (make a target fail, clear it), and
 * the dead-letter queues of targets with `onDeliveryFailure` (inspect, re-drive, purge).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import type { Role } from "../auth/roles.js";
import {
  type DeadLetterQueues,
  deadLetterTarget,
  deadLetterTargets,
  peekDeadLetters,
  redriveDeadLetters,
} from "../buses/dead-letters.js";
import { viaEventBridge } from "../buses/errors.js";
import type { BusLocation, BusOps } from "../buses/port.js";
import { physicalRuleName } from "../buses/rule-names.js";
import type { Template } from "../deployments/port.js";
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import type { App } from "../http/env.js";
import { decimalInteger } from "../http/integers.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { text } from "../http/text.js";
import { projectNameOfKey } from "../store/projects.js";
import { recordAudit } from "./audit.js";
import { BASE, BusParamsSchema, deployedBus } from "./buses.js";

/** Attempts a drilled delivery makes at most, whatever the retry policy says (EventBridge: 186). */
const RULE_DESCRIPTION =
  "The rule: named as in the config (`myConsumer`, or `myConsumer.1` for its `events[1]`) or by its physical name.";

const ruleField = text({ min: 1, max: 64 }).openapi({ description: RULE_DESCRIPTION, example: "myConsumer" });
const targetField = text({ min: 1, max: 64 })
  .optional()
  .openapi({ description: "The target's id; needed only when the rule has several." });

const FailureDrillSchema = z
  .object({
    rule: z.string().openapi({ description: "The rule's physical name." }),
    targetId: z.string(),
    mode: z.enum(["always", "count", "probability"]),
    remaining: z.number().int().optional().openapi({ description: "For `count`: attempts still to fail." }),
    probability: z.number().optional(),
    errorCode: z.string(),
    errorMessage: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("FailureDrill");

const SetDrillSchema = z
  .object({
    rule: ruleField,
    target: targetField,
    mode: z.enum(["always", "count", "probability"]).openapi({
      description:
        "`always`: every attempt fails; `count`: the next `count` attempts fail (retries count); `probability`: each attempt fails with `probability`.",
    }),
    count: z.number().int().min(1).max(10_000).optional(),
    probability: z.number().gt(0).max(1).optional(),
    errorCode: text({ min: 1, max: 64 }).optional().openapi({ example: "Lambda.ServiceException" }),
    errorMessage: text({ min: 1, max: 512 }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.mode === "count" && v.count === undefined)
      ctx.addIssue({ code: "custom", path: ["count"], message: "Required with mode count." });
    if (v.mode === "probability" && v.probability === undefined)
      ctx.addIssue({ code: "custom", path: ["probability"], message: "Required with mode probability." });
  })
  .openapi("SetFailureDrill", {
    // What the refinement requires, as the document can say it: `count` or `probability` with its mode.
    anyOf: [
      { properties: { mode: { const: "always" } } },
      { properties: { mode: { const: "count" } }, required: ["count"] },
      { properties: { mode: { const: "probability" } }, required: ["probability"] },
    ],
  });

const DeadLetterSchema = z
  .object({
    id: z.string().openapi({ description: "The message's id in its queue." }),
    event: z.string().openapi({ description: "The event as the bus received it (JSON text)." }),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    attempts: z.number().int().optional(),
    ruleArn: z.string().optional(),
    targetArn: z.string().optional(),
    sentAt: z.string().optional().openapi({ format: "date-time" }),
  })
  .openapi("DeadLetter");

const DeadLetterQueueSchema = z
  .object({
    rule: z.string(),
    targetId: z.string(),
    queueArn: z.string(),
    messages: z.array(DeadLetterSchema),
  })
  .openapi("DeadLetterQueue");

const DeadLettersQuerySchema = z.object({
  rule: ruleField.optional().openapi({ param: { name: "rule", in: "query" } }),
  limit: decimalInteger({ min: 1, max: 100 })
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, description: "Messages per queue (default 20)." }),
});

const RedriveSchema = z
  .object({
    rule: ruleField,
    target: targetField,
    ids: z
      .array(text({ min: 1, max: 128 }))
      .min(1)
      .max(100)
      .optional()
      .openapi({
        description: "The messages to re-drive; all (up to 100) when absent.",
      }),
  })
  .strict()
  .openapi("Redrive");

const PurgeSchema = z.object({ rule: ruleField, target: targetField }).strict().openapi("PurgeDeadLetters");

const ClearDrillQuerySchema = z.object({
  rule: ruleField.openapi({ param: { name: "rule", in: "query" } }),
  target: targetField.openapi({ param: { name: "target", in: "query" } }),
});

const route = <R extends Parameters<typeof createRoute>[0]>(role: Role, r: R) =>
  createRoute({ ...r, tags: ["Buses"], ...access.project(role) });

const listDrillsRoute = route("viewer", {
  method: "get",
  path: `${BASE}/failure-drills`,
  operationId: "drills.list",
  summary: "Failure drills on the bus's targets",
  description: "Embedded default only (501 on AWS). Any role.",
  request: { params: BusParamsSchema },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(FailureDrillSchema) }).openapi("FailureDrillList"),
      "The drills.",
    ),
    ...problemResponses(400, 401, 404, 501),
  },
});

const setDrillRoute = route("deployer", {
  method: "put",
  path: `${BASE}/failure-drills`,
  operationId: "drills.set",
  summary: "Make a target's deliveries fail",
  description:
    "Embedded default only (501 on AWS). From now on, attempts to deliver to the target fail as the drill says; each delivery is retried up to the target's retry policy (at once, locally), then goes to its dead-letter queue, if it has one. Replaces the target's drill. Deployer role or above; in the audit record.",
  request: { params: BusParamsSchema, body: jsonBody(SetDrillSchema) },
  responses: {
    200: jsonContent(FailureDrillSchema, "The drill, in force."),
    ...problemResponses(400, 401, 403, 404, 501),
  },
});

const clearDrillRoute = route("deployer", {
  method: "delete",
  path: `${BASE}/failure-drills`,
  operationId: "drills.clear",
  summary: "Clear a target's failure drill",
  description: "Deliveries to the target succeed again. 404 when it has none. Deployer role or above.",
  request: { params: BusParamsSchema, query: ClearDrillQuerySchema },
  responses: { 204: { description: "Cleared." }, ...problemResponses(400, 401, 403, 404, 501) },
});

const listDeadLettersRoute = route("viewer", {
  method: "get",
  path: `${BASE}/dead-letters`,
  operationId: "deadLetters.list",
  summary: "What the targets' dead-letter queues hold",
  description:
    "For each target of the bus's rules (or of `rule`) with a dead-letter queue (`onDeliveryFailure`), its messages with the error of the last attempt, read without consuming them. Any role.",
  request: { params: BusParamsSchema, query: DeadLettersQuerySchema },
  responses: {
    200: jsonContent(
      z.object({ queues: z.array(DeadLetterQueueSchema) }).openapi("DeadLetterQueues"),
      "The queues and their messages.",
    ),
    ...problemResponses(400, 401, 404, 501, 503),
  },
});

const redriveRoute = route("deployer", {
  method: "post",
  path: `${BASE}/dead-letters/redrive`,
  operationId: "deadLetters.redrive",
  summary: "Re-drive dead-lettered events",
  description:
    "Re-publishes the chosen messages (or all, up to 100) of the target's dead-letter queue to the bus as new events, so they are matched and delivered again (by every rule they match), and deletes each re-sent message. At least once. Answers how many were re-sent. Deployer role or above; in the audit record.",
  request: { params: BusParamsSchema, body: jsonBody(RedriveSchema) },
  responses: {
    200: jsonContent(
      z
        .object({
          redriven: z.number().int(),
          notFound: z
            .array(z.string())
            .openapi({ description: "Ids asked for that the queue does not hold." }),
        })
        .openapi("RedriveResult"),
      "What was re-sent.",
    ),
    ...problemResponses(400, 401, 403, 404, 501, 503),
  },
});

const purgeRoute = route("deployer", {
  method: "post",
  path: `${BASE}/dead-letters/purge`,
  operationId: "deadLetters.purge",
  summary: "Purge a target's dead-letter queue",
  description: "Deletes every message of it. Deployer role or above; in the audit record.",
  request: { params: BusParamsSchema, body: jsonBody(PurgeSchema) },
  responses: { 204: { description: "Purged." }, ...problemResponses(400, 401, 403, 404, 409, 501, 503) },
});

export function deadLetterRoutes(app: App, deps: AppDeps): void {
  const ops = (): BusOps => {
    if (!deps.busOps)
      throw new DomainError("not-implemented", "This server has no bus operations configured.");
    return deps.busOps;
  };
  const queues = (): DeadLetterQueues => {
    if (!deps.deadLetters)
      throw new DomainError("not-implemented", "This server has no dead-letter queues configured.");
    return deps.deadLetters;
  };
  const physical = (
    rule: string,
    found: { bus: BusLocation; appliedTemplate?: unknown },
    where: { bus: string; stage: string },
  ) =>
    physicalRuleName(
      rule,
      found.appliedTemplate as Template | undefined,
      async () => (await viaEventBridge(() => ops().listRules(found.bus))).map((r) => r.name),
      where,
    );

  /** The one target a request names: the rule's only one, or the one given. */
  async function targetOf(bus: BusLocation, rule: string, target: string | undefined): Promise<string> {
    if (target) return target;
    const found = (await viaEventBridge(() => ops().listRules(bus))).find((r) => r.name === rule);
    if (!found) throw new DomainError("not-found", `Event bus ${bus.name} has no rule ${rule}.`);
    if (found.targets.length !== 1) {
      throw new DomainError(
        "bad-request",
        `Rule ${rule} has ${found.targets.length} targets: name one with target (${found.targets.map((t) => t.id).join(", ")}).`,
      );
    }
    return found.targets[0]!.id;
  }

  app.openapi(listDrillsRoute, async (c) => {
    const { bus } = await deployedBus(c, deps, c.req.valid("param"), "viewer");
    return c.json({ items: await viaEventBridge(() => ops().listDrills(bus)) }, 200);
  });

  app.openapi(setDrillRoute, async (c) => {
    const params = c.req.valid("param");
    const found = await deployedBus(c, deps, params, "deployer");
    const input = c.req.valid("json");
    if (ops().kind === "aws") await ops().listDrills(found.bus); // 501 before any lookup
    const rule = await physical(input.rule, found, params);
    const targetId = await targetOf(found.bus, rule, input.target);
    const drill = await ops().setDrill(
      found.bus,
      {
        rule,
        targetId,
        mode: input.mode,
        ...(input.mode === "count" ? { remaining: input.count! } : {}),
        ...(input.mode === "probability" ? { probability: input.probability! } : {}),
        errorCode: input.errorCode ?? "SwitchyardFailureDrill",
        errorMessage: input.errorMessage ?? "A failure drill made this delivery fail.",
      },
      deps.now(),
    );
    await recordAudit(c, deps, {
      teams: [found.team],
      project: projectNameOfKey(found.scope.project),
      action: "failure-drill.set",
      target: { kind: "failure-drill", id: `${rule}/${targetId}`, stage: params.stage, bus: params.bus },
      details: {
        mode: drill.mode,
        ...(drill.remaining !== undefined ? { count: drill.remaining } : {}),
        ...(drill.probability !== undefined ? { probability: drill.probability } : {}),
      },
    });
    return c.json(drill, 200);
  });

  app.openapi(clearDrillRoute, async (c) => {
    const params = c.req.valid("param");
    const found = await deployedBus(c, deps, params, "deployer");
    const query = c.req.valid("query");
    if (ops().kind === "aws") await ops().listDrills(found.bus);
    const rule = await physical(query.rule, found, params);
    const targetId = await targetOf(found.bus, rule, query.target);
    if (!(await ops().clearDrill(found.bus, rule, targetId))) {
      throw new DomainError("not-found", `Target ${targetId} of rule ${rule} has no failure drill.`);
    }
    await recordAudit(c, deps, {
      teams: [found.team],
      project: projectNameOfKey(found.scope.project),
      action: "failure-drill.clear",
      target: { kind: "failure-drill", id: `${rule}/${targetId}`, stage: params.stage, bus: params.bus },
    });
    return c.body(null, 204);
  });

  app.openapi(listDeadLettersRoute, async (c) => {
    const params = c.req.valid("param");
    const found = await deployedBus(c, deps, params, "viewer");
    const query = c.req.valid("query");
    const rule = query.rule ? await physical(query.rule, found, params) : undefined;
    const targets = await deadLetterTargets(ops(), found.bus, rule);
    const out = [];
    for (const { rule: name, target } of targets) {
      out.push({
        rule: name,
        targetId: target.id,
        queueArn: target.deadLetterArn,
        messages: await peekDeadLetters(queues(), target.deadLetterArn, query.limit),
      });
    }
    return c.json({ queues: out }, 200);
  });

  app.openapi(redriveRoute, async (c) => {
    const params = c.req.valid("param");
    const found = await deployedBus(c, deps, params, "deployer");
    const input = c.req.valid("json");
    const rule = await physical(input.rule, found, params);
    const { target } = await deadLetterTarget(ops(), found.bus, rule, input.target);
    const result = await redriveDeadLetters(queues(), ops(), target.deadLetterArn, found.bus, input.ids);
    await recordAudit(c, deps, {
      teams: [found.team],
      project: projectNameOfKey(found.scope.project),
      action: "dead-letters.redrive",
      target: {
        kind: "dead-letter-queue",
        id: target.deadLetterArn,
        stage: params.stage,
        bus: params.bus,
        rule,
      },
      details: { redriven: result.redriven, ...(input.ids ? { ids: input.ids } : {}) },
    });
    return c.json(result, 200);
  });

  app.openapi(purgeRoute, async (c) => {
    const params = c.req.valid("param");
    const found = await deployedBus(c, deps, params, "deployer");
    const input = c.req.valid("json");
    const rule = await physical(input.rule, found, params);
    const { target } = await deadLetterTarget(ops(), found.bus, rule, input.target);
    await queues().purge(target.deadLetterArn);
    await recordAudit(c, deps, {
      teams: [found.team],
      project: projectNameOfKey(found.scope.project),
      action: "dead-letters.purge",
      target: {
        kind: "dead-letter-queue",
        id: target.deadLetterArn,
        stage: params.stage,
        bus: params.bus,
        rule,
      },
    });
    return c.body(null, 204);
  });
}
