import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requirePlatformAdmin } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import type { App } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { problems } from "../http/problem.js";
import { type NetworkSettings, SettingsChangedError } from "../store/index.js";
import { recordAudit } from "./audit.js";

/** AWS IDs: an 8- or 17-hex-digit suffix. */
const awsId = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
const unique = (ids: string[]) => new Set(ids).size === ids.length;

const RegionNetworkSchema = z
  .object({
    subnetIds: z
      .array(z.string().regex(awsId("subnet"), "A subnet ID looks like subnet-0123456789abcdef0."))
      .min(1)
      .max(16, "A Fargate task or batch compute environment takes at most 16 subnets.")
      .refine(unique, "Subnet IDs must not repeat.")
      .openapi({ uniqueItems: true, example: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }),
    securityGroupIds: z
      .array(z.string().regex(awsId("sg"), "A security group ID looks like sg-0123456789abcdef0."))
      .min(1)
      .max(5, "A task's network interface takes at most 5 security groups.")
      .refine(unique, "Security group IDs must not repeat.")
      .openapi({ uniqueItems: true, example: ["sg-0123456789abcdef0"] }),
    vpcId: z
      .string()
      .regex(awsId("vpc"), "A VPC ID looks like vpc-0123456789abcdef0.")
      .optional()
      .openapi({ description: "The subnets' VPC; needed by workloads reached from an HTTP API." }),
  })
  .strict()
  .openapi("RegionNetwork");

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The record's keys, as the document states them (zod-to-openapi writes none for a record). */
const regionKeys = { propertyNames: { type: "string", pattern: REGION.source } };

const RegionsSchema = z
  .record(z.string().regex(REGION, "A region looks like eu-west-1."), RegionNetworkSchema)
  .openapi({
    ...regionKeys,
    description: "Per AWS region, where the batch jobs and workloads of stages deployed there run.",
  });

const PutNetworkSettingsSchema = z
  .object({ regions: RegionsSchema })
  .strict()
  .openapi("PutNetworkSettings", {
    example: {
      regions: {
        "eu-west-1": {
          subnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
          securityGroupIds: ["sg-0123456789abcdef0"],
          vpcId: "vpc-0123456789abcdef0",
        },
      },
    },
  });

const NetworkSettingsSchema = z
  .object({
    regions: RegionsSchema,
    updatedAt: z.string().optional().openapi({ format: "date-time" }),
    updatedBy: z.string().optional().openapi({ description: "Key id of the admin who set them." }),
  })
  .openapi("NetworkSettings");

const etagHeaders = {
  ETag: { schema: { type: "string" as const }, description: "Send it as If-Match with the next PUT." },
};

const getNetworkRoute = createRoute({
  method: "get",
  path: "/v1/settings/network",
  operationId: "settings.getNetwork",
  tags: ["Settings"],
  summary: "Get the platform network settings",
  description:
    "Platform admins only. Subnets, security groups and VPC per region; `regions` is empty until set. The local engine implies a network of its own when none is set.",
  ...access.platformAdmin(),
  responses: {
    200: { ...jsonContent(NetworkSettingsSchema, "The network settings."), headers: etagHeaders },
    ...problemResponses(401, 403),
  },
});

const putNetworkRoute = createRoute({
  method: "put",
  path: "/v1/settings/network",
  operationId: "settings.putNetwork",
  tags: ["Settings"],
  summary: "Set the platform network settings",
  description:
    "Platform admins only. Replaces every region's settings. Deployments of configs with batch jobs or workloads fill their subnet and security-group template parameters from the stage's region here; without them such a deployment answers 422 `network-settings-missing`. `If-Match` (the ETag of a GET) guards against lost updates (412 when stale).",
  ...access.platformAdmin(),
  request: {
    headers: z.object({
      "if-match": z.string().optional().openapi({ description: "The ETag of the settings last read." }),
    }),
    body: jsonBody(PutNetworkSettingsSchema),
  },
  responses: {
    200: { ...jsonContent(NetworkSettingsSchema, "The settings now in force."), headers: etagHeaders },
    ...problemResponses(400, 401, 403, 412),
  },
});

/** Revisions are the ETag: `"network-0"` before anything is set. */
const etagOf = (revision: number) => `"network-${revision}"`;

/** The revision an If-Match header expects (`*`: whatever exists), or "stale" when it cannot match. */
function expectedRevision(ifMatch: string, current: NetworkSettings | undefined): number | "stale" {
  const tags = ifMatch.split(",").map((t) => t.trim());
  if (tags.includes("*")) return current ? current.revision : "stale";
  const matched = tags.map((t) => /^"network-(\d+)"$/.exec(t)?.[1]).find((n) => n !== undefined);
  return matched === undefined ? "stale" : Number(matched);
}

const body = (s: NetworkSettings | undefined) =>
  s ? { regions: s.regions, updatedAt: s.updatedAt, updatedBy: s.updatedBy } : { regions: {} };

export function settingsRoutes(app: App, deps: AppDeps): void {
  app.openapi(getNetworkRoute, async (c) => {
    requirePlatformAdmin(c);
    const settings = await deps.store.networkSettings.get();
    return c.json(body(settings), 200, { etag: etagOf(settings?.revision ?? 0) });
  });

  app.openapi(putNetworkRoute, async (c) => {
    requirePlatformAdmin(c);
    const { regions } = c.req.valid("json");
    const ifMatch = c.req.valid("header")["if-match"];
    let expect: number | undefined;
    if (ifMatch !== undefined) {
      const found = expectedRevision(ifMatch, await deps.store.networkSettings.get());
      if (found === "stale")
        throw problems.preconditionFailed("If-Match does not match the network settings.");
      expect = found;
    }
    try {
      const saved = await deps.store.networkSettings.put(
        { regions, updatedAt: deps.now().toISOString(), updatedBy: callerOf(c).keyId },
        expect,
      );
      c.get("log")?.info("network settings set", { regions: Object.keys(regions), revision: saved.revision });
      await recordAudit(c, deps, {
        teams: [],
        action: "network-settings.update",
        target: { kind: "network-settings", id: "network" },
        details: { regions: Object.keys(regions), revision: saved.revision },
      });
      return c.json(body(saved), 200, { etag: etagOf(saved.revision) });
    } catch (err) {
      if (err instanceof SettingsChangedError) {
        throw problems.preconditionFailed(
          `If-Match does not match: the network settings are now at ETag ${etagOf(err.current?.revision ?? 0)}.`,
        );
      }
      throw err;
    }
  });
}
