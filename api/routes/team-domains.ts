/**
 * The domains a team's stacks may use (Switchyard's `stacktape domain-add`): platform admins
 * register a domain to a team with its Route 53 hosted zone and certificates; the team's custom
 * domains under it then compile to Stacktape's domain, mapping and DNS record
 * (api/resources/concerns/custom-domains.ts), and no other team may attach or point a name under it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { access } from "../auth/access.js";
import { callerOf, requirePlatformAdmin, requireTeamRole } from "../auth/index.js";
import { isUnder, normalizeHost } from "../compiler/tenancy/domains.js";
import type { AppDeps } from "../deps.js";
import { DomainError } from "../errors.js";
import type { App } from "../http/env.js";
import { jsonBody, jsonContent, problemResponses } from "../http/openapi.js";
import { problems } from "../http/problem.js";
import { DomainTakenError, MAX_DOMAINS, type TeamDomainRecord } from "../store/index.js";
import { recordAudit } from "./audit.js";
import { TeamNameSchema } from "./names.js";

/** A public DNS name: labels of letters, digits and inner hyphens (at most 253 characters: max below). */
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const DOMAIN_RULE = "a domain name such as example.com or api.example.com";

const DomainNameSchema = z
  .string()
  .max(253)
  .regex(DOMAIN, DOMAIN_RULE)
  .transform(normalizeHost)
  .openapi({ example: "example.com" });

const HOSTED_ZONE = /^(\/hostedzone\/)?Z[A-Z0-9]{1,32}$/;
const CERTIFICATE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]{1,64}$/;
const CDN_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]{1,64}$/;

const DomainParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
  domain: DomainNameSchema.openapi({ param: { name: "domain", in: "path" } }),
});
const TeamParamsSchema = z.object({
  team: TeamNameSchema.openapi({ param: { name: "team", in: "path" } }),
});

const PutDomainSchema = z
  .object({
    hostedZoneId: z
      .string()
      .regex(HOSTED_ZONE, "a Route 53 hosted zone id, Z...")
      .transform((id) => id.replace(/^\/hostedzone\//, ""))
      .openapi({
        description: "The domain's public hosted zone, where the team's stacks create its records.",
        example: "Z0123456789ABCDEFGHIJ",
      }),
    certificateArn: z.string().regex(CERTIFICATE, "an ACM certificate ARN").optional().openapi({
      description:
        "An issued ACM certificate in the stacks' region covering the domain and `*.<domain>`, for HTTP API custom domains without `customCertificateArn`.",
      example: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000",
    }),
    cdnCertificateArn: z
      .string()
      .regex(CDN_CERTIFICATE, "an ACM certificate ARN in us-east-1, where CloudFront takes them")
      .optional()
      .openapi({
        description: "The same in us-east-1, for CDN custom domains (CloudFront's certificates live there).",
        example: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-4000-8000-000000000000",
      }),
  })
  .strict()
  .openapi("PutTeamDomain");

const TeamDomainSchema = z
  .object({
    name: z.string().openapi({ description: "The domain; every name under it is the team's too." }),
    team: TeamNameSchema,
    hostedZoneId: z.string(),
    certificateArn: z.string().optional(),
    cdnCertificateArn: z.string().optional(),
    registeredAt: z.string().openapi({ format: "date-time" }),
    registeredBy: z.string().openapi({ description: "Key id of the admin who registered it." }),
  })
  .openapi("TeamDomain");

const listRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/domains",
  operationId: "teams.listDomains",
  tags: ["Teams"],
  summary: "The domains registered to the team",
  description:
    "Any member of the team, or a platform admin (another team: 404). Custom domains under them take their certificate and DNS record from the registration; names under no domain of the team get no record.",
  ...access.team("viewer"),
  request: { params: TeamParamsSchema },
  responses: {
    200: jsonContent(z.object({ items: z.array(TeamDomainSchema) }), "The team's domains, by name."),
    ...problemResponses(400, 401, 404),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/v1/teams/{team}/domains/{domain}",
  operationId: "teams.getDomain",
  tags: ["Teams"],
  summary: "A domain registered to the team",
  description: "Any member of the team, or a platform admin; 404 for a domain that is not the team's.",
  ...access.team("viewer"),
  request: { params: DomainParamsSchema },
  responses: {
    200: jsonContent(TeamDomainSchema, "The registration."),
    ...problemResponses(400, 401, 404),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/v1/teams/{team}/domains/{domain}",
  operationId: "teams.putDomain",
  tags: ["Teams"],
  summary: "Register a domain to the team",
  description: `Platform admins only. The domain and every name under it become the team's: its stacks' custom domains under it get the registered certificate and an alias record in the hosted zone, and no other team's stack may attach or point a name under it. 409 when the domain, a domain above it or one under it is registered to another team (at most ${MAX_DOMAINS} domains in all). In the team's audit record.`,
  ...access.platformAdmin(),
  request: { params: DomainParamsSchema, body: jsonBody(PutDomainSchema) },
  responses: {
    200: jsonContent(TeamDomainSchema, "The registration, replaced."),
    201: jsonContent(TeamDomainSchema, "The registration, new."),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/v1/teams/{team}/domains/{domain}",
  operationId: "teams.deleteDomain",
  tags: ["Teams"],
  summary: "Remove a domain from the team",
  description:
    "Platform admins only; 404 for a domain that is not the team's. From now on the team's previews, deployments and validations may not create records under it; what its stages deployed stays until they are deployed again or torn down. In the team's audit record.",
  ...access.platformAdmin(),
  request: { params: DomainParamsSchema },
  responses: {
    204: { description: "Removed." },
    ...problemResponses(400, 401, 403, 404),
  },
});

const view = (d: TeamDomainRecord) => ({
  name: d.name,
  team: d.team,
  hostedZoneId: d.hostedZoneId,
  ...(d.certificateArn ? { certificateArn: d.certificateArn } : {}),
  ...(d.cdnCertificateArn ? { cdnCertificateArn: d.cdnCertificateArn } : {}),
  registeredAt: d.registeredAt,
  registeredBy: d.registeredBy,
});

export function teamDomainRoutes(app: App, deps: AppDeps): void {
  async function requireTeam(team: string) {
    if (!(await deps.store.teams.get(team))) throw problems.notFound(`Team ${team} does not exist.`);
  }
  const notTheTeams = (team: string, domain: string) =>
    problems.notFound(`Team ${team} has no domain ${domain}.`);

  app.openapi(listRoute, async (c) => {
    const { team } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    const items = (await deps.store.teamDomains.all()).filter((d) => d.team === team).map(view);
    return c.json({ items }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { team, domain } = c.req.valid("param");
    requireTeamRole(c, team, "viewer");
    await requireTeam(team);
    const found = (await deps.store.teamDomains.all()).find((d) => d.team === team && d.name === domain);
    if (!found) throw notTheTeams(team, domain);
    return c.json(view(found), 200);
  });

  app.openapi(putRoute, async (c) => {
    requirePlatformAdmin(c);
    const { team, domain } = c.req.valid("param");
    await requireTeam(team);
    const body = c.req.valid("json");
    const all = await deps.store.teamDomains.all();
    // One team per name: the domain, those above it and those under it are the same team's or none's.
    const clash = all.find((d) => d.team !== team && (isUnder(domain, d.name) || isUnder(d.name, domain)));
    if (clash)
      throw problems.conflict(
        `${clash.name} is registered to team ${clash.team}, and a name belongs to one team only: remove it from that team first.`,
        { domain: clash.name, team: clash.team },
      );
    const before = all.find((d) => d.name === domain);
    if (!before && all.length >= MAX_DOMAINS)
      throw new DomainError("limit-exceeded", `The platform holds ${MAX_DOMAINS} domains, its most.`);
    const record: TeamDomainRecord = {
      name: domain,
      team,
      hostedZoneId: body.hostedZoneId,
      ...(body.certificateArn ? { certificateArn: body.certificateArn } : {}),
      ...(body.cdnCertificateArn ? { cdnCertificateArn: body.cdnCertificateArn } : {}),
      registeredAt: deps.now().toISOString(),
      registeredBy: callerOf(c).keyId,
    };
    let created: boolean;
    try {
      ({ created } = await deps.store.teamDomains.put(record));
    } catch (err) {
      if (err instanceof DomainTakenError)
        throw problems.conflict(`${domain} was registered to another team meanwhile.`, { domain });
      throw err;
    }
    await recordAudit(c, deps, {
      teams: [team],
      action: "domain.register",
      target: { kind: "domain", id: domain },
      details: {
        hostedZoneId: record.hostedZoneId,
        ...(record.certificateArn ? { certificateArn: record.certificateArn } : {}),
        ...(record.cdnCertificateArn ? { cdnCertificateArn: record.cdnCertificateArn } : {}),
        ...(before ? { replaced: view(before) } : {}),
      },
    });
    c.get("log").info("domain registered", { team, domain, created });
    return created ? c.json(view(record), 201) : c.json(view(record), 200);
  });

  app.openapi(deleteRoute, async (c) => {
    requirePlatformAdmin(c);
    const { team, domain } = c.req.valid("param");
    await requireTeam(team);
    if (!(await deps.store.teamDomains.remove(team, domain))) throw notTheTeams(team, domain);
    await recordAudit(c, deps, {
      teams: [team],
      action: "domain.remove",
      target: { kind: "domain", id: domain },
    });
    c.get("log").info("domain removed", { team, domain });
    return c.body(null, 204);
  });
}
