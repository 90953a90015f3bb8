import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type CompileTarget, compile } from "../../api/compiler/index.js";
import { type ConfigProblem, loadConfig } from "../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../support/cfn-schema.js";
import {
  collectExamples,
  type DocExample,
  PACKAGE_VERSION,
  SUPPORTED_INTERFACES,
} from "./documented-examples.js";
import { REFUSALS, type Refusal, STACKTAPE_REFUSES } from "./refusals.js";
import { stacktapeTypeProblems } from "./stacktape-types.js";

/**
 * Every config Stacktape documents for the types Switchyard supports (documented-examples.ts reads
 * them from the installed package) is accepted, compiled to a template that passes the
 * CloudFormation registry schema, or refused with the located problems and the reason REFUSALS
 * lists for it. Examples that Stacktape's own types refuse (the docs abbreviate: a function without
 * its packaging, an event type that does not exist) must be refused with located problems too; they
 * do not count towards the acceptance rate, and neither do those that Stacktape refuses when it runs
 * (STACKTAPE_REFUSES, with the evidence). Examples with resources of other types are out of scope.
 */
const SUPPORTED = new Set(Object.keys(SUPPORTED_INTERFACES));
const TARGET: CompileTarget = { project: "docs", stage: "dev", region: "eu-west-1" };

/**
 * What an example needs of the team that deploys it, as Stacktape needs a `stacktape domain-add`
 * before a custom domain without customCertificateArn: example.com registered to the team by a
 * platform admin (PUT /v1/teams/<team>/domains/example.com), with its Route 53 hosted zone and the
 * certificate made for it (covering example.com and *.example.com).
 */
const EXAMPLE_COM: CompileTarget["domains"] = [
  {
    name: "example.com",
    hostedZoneId: "Z0123456789EXAMPLECOM",
    certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-00000000e1e1",
  },
];
const PRECONDITIONS: Readonly<Record<string, Partial<CompileTarget>>> = {
  "ai-docs/concept/directives.md#1": { domains: EXAMPLE_COM },
  "ai-docs/concept/directives.md#6": { domains: EXAMPLE_COM },
  "ai-docs/concept/stages-and-environments.md#9": { domains: EXAMPLE_COM },
};

const collected = collectExamples();
const parsed = collected.examples.map((e) => asObject(e.config));
const typeProblems = stacktapeTypeProblems(parsed);

function asObject(config: DocExample["config"]): Record<string, unknown> | undefined {
  if (typeof config !== "string") return config;
  try {
    return parseYaml(config, { logLevel: "silent" }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const typesOf = (config: Record<string, unknown> | undefined): string[] =>
  Object.values((config?.resources ?? {}) as Record<string, { type?: unknown }>).map((r) => String(r?.type));

type Outcome = { accepted: true; template: unknown } | { accepted: false; problems: ConfigProblem[] };

function run(example: DocExample): Outcome {
  const loaded = loadConfig(example.config);
  if (!loaded.ok) return { accepted: false, problems: loaded.errors };
  try {
    return {
      accepted: true,
      template: compile(loaded.config, { ...TARGET, ...PRECONDITIONS[example.id] }).template,
    };
  } catch (err) {
    const problems = (err as { errors?: ConfigProblem[] }).errors;
    if (!problems) throw err;
    return { accepted: false, problems };
  }
}

const inScope = collected.examples
  .map((example, i) => ({ example, types: typesOf(parsed[i]), typeProblem: typeProblems[i] }))
  .filter(({ types }) => types.length > 0 && types.every((t) => SUPPORTED.has(t)));
const valid = inScope.filter((e) => e.typeProblem === undefined && !STACKTAPE_REFUSES[e.example.id]);
const refusedByStacktape = inScope.filter(
  (e) => e.typeProblem === undefined && STACKTAPE_REFUSES[e.example.id],
);
const invalid = inScope.filter((e) => e.typeProblem !== undefined);

/** The problems of a refused example are those listed for it, each located in YAML text. */
function expectRefused(example: DocExample, outcome: Outcome, refusal: Refusal): void {
  expect(outcome.accepted ? [] : outcome.problems.map(({ path, message }) => ({ path, message }))).toEqual(
    refusal.problems.map(({ path, message }) => ({ path, message: expect.stringContaining(message) })),
  );
  if (typeof example.config === "string" && !outcome.accepted)
    for (const p of outcome.problems) expect(p.line, `${p.path} is located`).toBeGreaterThan(0);
}

describe(`Stacktape ${PACKAGE_VERSION}'s documented examples of the supported types`, () => {
  it("are found, and every JSDoc example of a supported type has a place to go", () => {
    expect(valid.length).toBeGreaterThan(10);
    expect(collected.notConfigs.filter((n) => n.reason.startsWith("MISSING SKELETON"))).toEqual([]);
  });

  const outcomes = new Map<string, Outcome>();
  for (const { example } of valid) {
    const refusal = REFUSALS[example.id];
    it(`${example.id}: ${refusal ? `refused (${refusal.reason})` : "accepted"}`, () => {
      const outcome = run(example);
      outcomes.set(example.id, outcome);
      if (refusal) {
        expectRefused(example, outcome, refusal);
      } else {
        expect(outcome.accepted ? [] : outcome.problems).toEqual([]);
        if (outcome.accepted) expect(validateTemplateAgainstRegistry(outcome.template)).toEqual([]);
      }
    });
  }

  for (const { example } of refusedByStacktape) {
    const refusal = STACKTAPE_REFUSES[example.id]!;
    it(`${example.id}: refused by Stacktape when it runs, and refused here in the same words`, () => {
      expectRefused(example, run(example), refusal);
    });
  }

  for (const { example, typeProblem } of invalid) {
    it(`${example.id}: not valid by Stacktape's own types either, and refused with located problems`, () => {
      const outcome = run(example);
      expect(outcome.accepted, `Stacktape's types say: ${typeProblem}`).toBe(false);
      if (!outcome.accepted && typeof example.config === "string")
        for (const p of outcome.problems) expect(p.line, `${p.path}: ${p.message}`).toBeGreaterThan(0);
    });
  }

  it("lists refusals only for examples that exist and are refused", () => {
    const ids = new Set(valid.map((v) => v.example.id));
    expect(Object.keys(REFUSALS).filter((id) => !ids.has(id))).toEqual([]);
    const runtime = new Set(refusedByStacktape.map((v) => v.example.id));
    expect(Object.keys(STACKTAPE_REFUSES).filter((id) => !runtime.has(id))).toEqual([]);
    expect(Object.keys(PRECONDITIONS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it("reports the acceptance rate", () => {
    const accepted = valid.filter((v) => outcomes.get(v.example.id)?.accepted).length;
    const outOfScope = collected.examples.length - inScope.length;
    const rate = ((100 * accepted) / valid.length).toFixed(1);
    const listed = <E extends { example: DocExample }>(entries: E[], why: (entry: E) => string) =>
      entries.map((entry) => `  - ${entry.example.id}: ${why(entry)}`);
    console.log(
      [
        `Stacktape ${PACKAGE_VERSION} documented examples: ${collected.examples.length} configs (${collected.notConfigs.length} other blocks are not configs).`,
        `Of the supported types: ${inScope.length}; ${valid.length} valid, ${refusedByStacktape.length} valid by Stacktape's types but refused by Stacktape when it runs, ${invalid.length} not valid by its types (the last two are refused by both and not counted):`,
        ...listed(refusedByStacktape, (e) => STACKTAPE_REFUSES[e.example.id]!.reason),
        ...listed(invalid, (e) => e.typeProblem!),
        `Accepted: ${accepted} of ${valid.length} valid (${rate}%); refused with a listed reason: ${valid.length - accepted}.`,
        ...listed(
          valid.filter((v) => REFUSALS[v.example.id]),
          (e) => REFUSALS[e.example.id]!.reason,
        ),
        `Out of scope (other resource types): ${outOfScope}.`,
      ].join("\n"),
    );
    expect(accepted + Object.keys(REFUSALS).length).toBe(valid.length);
    // Issues #17/#18: at least 90% of the valid examples of the supported types are accepted.
    expect(accepted / valid.length).toBeGreaterThanOrEqual(0.9);
  });
});
