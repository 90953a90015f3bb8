/**
 * A team's global alarms (Stacktape's console alarms): applied to every matching resource of the
 * team's stacks at their next preview or deployment (api/resources/concerns/alarms/global.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requireTeamRole, teamNotFound } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { problems } from "../http/problem.js";
import {
  checkGlobalAlarms,
  type GlobalAlarm,
  GlobalAlarmSchema,
  MAX_GLOBAL_ALARMS,
} from "../resources/concerns/alarms/global.js";
import { dynamicReference, secretOf } from "../resources/concerns/alarms/secrets.js";
import { type GlobalAlarms, GlobalAlarmsChangedError } from "../store/index.js";
import { teamStackName } from "../teams/namespace.js";
import { recordAudit } from "./audit.js";
import { TeamNameSchema } from "./names.js";

const TeamParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
});

const GlobalAlarmsSchema = z
  .object({
    team: TeamNameSchema,
    alarms: z.array(GlobalAlarmSchema),
    updatedAt: z.string().optional().openapi({ format: "date-time" }),
    updatedBy: z.string().optional().openapi({ description: "Key id of who set them." }),
  })
  .openapi("GlobalAlarms");

const PutGlobalAlarmsSchema = z
  .object({ alarms: z.array(GlobalAlarmSchema).max(MAX_GLOBAL_ALARMS) })
  .strict()
  .openapi("PutGlobalAlarms");

const etagHeaders = {
  ETag: { schema: { type: "string" as const }, description: "Send it as If-Match with the next PUT." },
};

const getRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/global-alarms",
  operationId: "teams.getGlobalAlarms",
  tags: ["Teams"],
  summary: "The team's global alarms",
  description: "Any member of the team, or a platform admin.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: { ...jsonContent(GlobalAlarmsSchema, "The team's global alarms."), headers: etagHeaders },
    ...problemResponses(400, 401, 404),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/teams/{team}/global-alarms",
  operationId: "teams.putGlobalAlarms",
  tags: ["Teams"],
  summary: "Set the team's global alarms",
  description: `Maintainers and admins of the team, or a platform admin. Replaces the list (at most ${MAX_GLOBAL_ALARMS}, names unique); each applies, from the next preview or deployment on, to every function, queue or HTTP API its trigger watches in the stages of the projects it is for, as a CloudWatch alarm \`<stack>-<Trigger>For<Resource><name>\`, unless the resource lists the name in \`disabledGlobalAlarms\`. Secrets of notification targets are \`$Secret()\` references only, to secrets the team's stacks may resolve (named \`<namespace>--...\`, or allowed by a platform admin). \`If-Match\` (the ETag of a GET) guards against lost updates (412 when stale).`,
  ...access.team("maintainer"),
  request: {
    params: TeamParamsSchema,
    headers: z.object({
      "if-match": z.string().optional().openapi({ description: "The ETag of the list last read." }),
    }),
    body: jsonBody(PutGlobalAlarmsSchema),
  },
  responses: {
    200: { ...jsonContent(GlobalAlarmsSchema, "The global alarms now in force."), headers: etagHeaders },
    ...problemResponses(400, 401, 403, 404, 412),
  },
});

const etagOf = (revision: number) => `"global-alarms-${revision}"`;

const body = (g: GlobalAlarms) => ({
  team: g.team,
  alarms: g.alarms,
  ...(g.updatedAt ? { updatedAt: g.updatedAt, updatedBy: g.updatedBy } : {}),
});

export function globalAlarmRoutes(app: App, deps: AppDeps): void {
  async function requireTeam(team: string) {
    if (!(await deps.store.teams.get(team))) throw teamNotFound(team);
  }

  app.openapi(getRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    const saved = await deps.store.globalAlarms.get(team);
    return c.json(body(saved), 200, { etag: etagOf(saved.revision) });
  });

  app.openapi(putRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "maintainer");
    await requireTeam(team);
    const alarms = c.req.valid("json").alarms as GlobalAlarm[];
    const errors: { path: string; message: string }[] = [];
    checkGlobalAlarms(alarms, (path, message) =>
      errors.push({ path: ["json", "alarms", ...path].join("."), message }),
    );
    // Each secret must be one the team's stacks may resolve, or every deployment would be refused.
    if (errors.length === 0) errors.push(...(await secretProblems(deps, team, alarms)));
    if (errors.length > 0)
      throw problems.validation(
        `The global alarms are not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
        errors,
      );
    const ifMatch = c.req.valid("header")["if-match"];
    const before = await deps.store.globalAlarms.get(team);
    let expect: number | undefined;
    if (ifMatch !== undefined) {
      const tags = ifMatch.split(",").map((t) => t.trim());
      if (!tags.includes("*") && !tags.includes(etagOf(before.revision)))
        throw problems.preconditionFailed(
          `If-Match does not match: the global alarms are at ETag ${etagOf(before.revision)}.`,
        );
      expect = before.revision;
    }
    let saved: GlobalAlarms;
    try {
      saved = await deps.store.globalAlarms.put(
        team,
        { alarms, updatedAt: deps.now().toISOString(), updatedBy: callerOf(c).keyId },
        expect,
      );
    } catch (err) {
      if (err instanceof GlobalAlarmsChangedError)
        throw problems.preconditionFailed(
          `If-Match does not match: the global alarms are now at ETag ${etagOf(err.current.revision)}.`,
        );
      throw err;
    }
    const names = (list: GlobalAlarm[]) => list.map((a) => a.name);
    const was = names(before.alarms);
    const now = names(alarms);
    await recordAudit(c, deps, {
      teams: [team],
      action: "global-alarms.update",
      target: { kind: "global-alarms", id: team },
      // Names only: a definition may hold a webhook header the team considers private.
      details: {
        added: now.filter((n) => !was.includes(n)),
        removed: was.filter((n) => !now.includes(n)),
        kept: now.filter((n) => was.includes(n)),
      },
    });
    c.get("log").info("global alarms set", { team, count: alarms.length, revision: saved.revision });
    return c.json(body(saved), 200, { etag: etagOf(saved.revision) });
  });
}

interface SecretUse {
  alarm: number;
  target: number;
  property: (string | number)[];
  value: string;
}

/** The secret references of a list, where each is written. */
function secretUses(alarms: readonly GlobalAlarm[]): SecretUse[] {
  return alarms.flatMap((a, alarm) =>
    (a.notificationTargets ?? []).flatMap((t, target): SecretUse[] => {
      const at = (property: (string | number)[], value: string) => ({ alarm, target, property, value });
      switch (t.type) {
        case "slack":
          return t.properties ? [at(["accessToken"], t.properties.accessToken)] : [];
        case "ms-teams":
        case "discord":
          return t.properties ? [at(["webhookUrl"], t.properties.webhookUrl)] : [];
        case "webhook":
          return Object.entries(t.properties?.headers ?? {})
            .filter(([, value]) => secretOf(value) !== undefined)
            .map(([key, value]) => at(["headers", key], value));
        default:
          return [];
      }
    }),
  );
}

/**
 * The tenant check the compiler makes of every template (api/compiler/tenancy), made of the list's
 * secret references alone, as the team's stacks would resolve them: each problem at its reference.
 */
async function secretProblems(
  deps: AppDeps,
  team: string,
  alarms: readonly GlobalAlarm[],
): Promise<{ path: string; message: string }[]> {
  const uses = secretUses(alarms);
  const namespace = uses.length > 0 ? await deps.store.teams.namespaceOf(team) : undefined;
  if (!namespace) return [];
  const settings = { ...deps.deploymentSettings };
  const stackName = teamStackName(settings.stackPrefix ?? "", namespace, "global-alarms", "check");
  const [{ tenantScope }, { checkTenancy }] = await Promise.all([
    import("../deployments/tenancy.js"),
    import("../compiler/tenancy/index.js"),
  ]);
  const scope = await tenantScope(
    {
      allowedResources: deps.store.allowedResources,
      busShares: deps.store.busShares,
      teamDomains: deps.store.teamDomains,
      settings,
    },
    team,
    namespace,
    stackName,
  );
  const resources = Object.fromEntries(
    uses.map((use, k) => [
      `Secret${k}`,
      {
        Type: "AWS::Events::Connection",
        Properties: {
          AuthParameters: {
            ApiKeyAuthParameters: { ApiKeyName: "x", ApiKeyValue: dynamicReference(use.value) },
          },
        },
      },
    ]),
  );
  return checkTenancy({ resources, scope, stack: stackName, platformParameters: new Set() }).map((v) => {
    const use = uses[Number(v.logicalId.slice("Secret".length))]!;
    return {
      path: [
        "json",
        "alarms",
        use.alarm,
        "notificationTargets",
        use.target,
        "properties",
        ...use.property,
      ].join("."),
      message: `This ${v.message.slice(v.message.indexOf("resolves a secret"))}`,
    };
  });
}
