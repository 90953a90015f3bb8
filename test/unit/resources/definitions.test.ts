import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CompileContext } from "../../../api/compiler/context.js";
import { compile } from "../../../api/compiler/index.js";
import { type Config, loadConfig } from "../../../api/config/index.js";
import {
  CLOUDFORMATION_TYPES,
  cloudformationTypesOf,
  definitionOf,
  RESOURCE_DEFINITIONS,
} from "../../../api/resources/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

/**
 * Every type in the list (api/resources/index.ts) is held to the same checks, so a new type cannot
 * skip them: a fixture config named after it (test/fixtures/configs/<type>.yaml) compiles, locally
 * and under a stack prefix and permissions boundary, to templates that pass the CloudFormation
 * registry schema; everything it compiles to is of a type it declares; its params are the ones it
 * names at load time; the triggers it accepts are offered by a type of the list.
 */
const FIXTURES = "test/fixtures/configs";
/**
 * The fixtures' custom domains are under shop.example.com, registered to the deploying team with its
 * hosted zone (PUT /v1/teams/<team>/domains/shop.example.com), so their DNS records compile too.
 */
const DOMAINS = [{ name: "shop.example.com", hostedZoneId: "Z0123456789SHOPEXAMPLE" }];
const TARGETS = {
  local: { project: "shop", stage: "dev", region: "eu-west-1", domains: DOMAINS },
  aws: {
    project: "shop",
    stage: "prod",
    region: "eu-west-1",
    domains: DOMAINS,
    stackPrefix: "sy-",
    permissionsBoundary: "arn:aws:iam::123456789012:policy/sy-workload-boundary",
  },
};

function fixture(file: string): Config {
  const loaded = loadConfig(readFileSync(`${FIXTURES}/${file}`, "utf8"));
  if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
  return loaded.config;
}

/** A partner bus cannot be deployed under a prefix (the compiler refuses it): left out there. */
const withoutPartnerBuses = (config: Config): Config => ({
  ...config,
  resources: Object.fromEntries(
    Object.entries(config.resources).filter(
      ([, r]) => !(r.properties as { eventSourceName?: string } | undefined)?.eventSourceName,
    ),
  ),
});

describe.each(RESOURCE_DEFINITIONS.map((d) => [d.type, d] as const))(
  "resource type %s",
  (type, definition) => {
    const file = `${type}.yaml`;

    it("has a fixture config with a resource of its type", () => {
      expect(existsSync(`${FIXTURES}/${file}`), `${FIXTURES}/${file}`).toBe(true);
      expect(Object.values(fixture(file).resources).some((r) => r.type === type)).toBe(true);
    });

    for (const [where, target] of Object.entries(TARGETS)) {
      it(`compiles its fixture (${where}) to a template that passes the CloudFormation registry schema`, () => {
        const config = where === "aws" ? withoutPartnerBuses(fixture(file)) : fixture(file);
        const { template } = compile(config, target);
        expect(validateTemplateAgainstRegistry(template)).toEqual([]);
      });
    }

    it("emits only CloudFormation types it declares, and the params it names at load time", () => {
      const config = fixture(file);
      const ctx = new CompileContext(config, TARGETS.local, definitionOf);
      ctx.compileResources();
      expect(ctx.errors).toEqual([]);
      for (const [logicalId, resource] of Object.entries(ctx.resources)) {
        const owner = config.resources[ctx.owners.get(logicalId)!]!;
        expect(cloudformationTypesOf(definitionOf(owner)), `${logicalId} of ${owner.type}`).toContain(
          resource.Type,
        );
      }
      // Through definitionOf, as the compiler and the checks see it: its concerns' params included.
      for (const [name, resource] of Object.entries(config.resources).filter(([, r]) => r.type === type)) {
        expect(Object.keys(definitionOf(resource).params(name, resource))).toEqual(
          definitionOf(resource).paramNames(resource),
        );
      }
    });

    it("accepts only triggers a type of the list offers, or that take their source by ARN", () => {
      const offered = RESOURCE_DEFINITIONS.flatMap((d) => (d.trigger ? [d.trigger.type] : []));
      for (const trigger of definition.triggers)
        if (!(trigger as { external?: true }).external) expect(offered).toContain(trigger.type);
    });
  },
);

describe("the list", () => {
  it("names each type once", () => {
    const types = RESOURCE_DEFINITIONS.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it("declares no CloudFormation type that no fixture compiles to", () => {
    const emitted = new Set<string>();
    for (const file of readdirSync(FIXTURES)) {
      for (const resource of Object.values(compile(fixture(file), TARGETS.local).template.Resources))
        emitted.add(resource.Type);
    }
    expect(CLOUDFORMATION_TYPES.filter((t) => !emitted.has(t))).toEqual([]);
  });
});
