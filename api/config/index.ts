import { dict, hasOwn, ownTree } from "../prototype-safe.js";
import {
  type Config,
  definitionOf,
  definitionOfType,
  RESOURCE_DEFINITIONS,
  RESOURCE_TYPES,
  type Resource,
} from "../resources/index.js";
import { resolveLoadDirectives } from "./directives/load.js";
import { problemAt, zodProblems } from "./issues.js";
import { boundedTree, CONFIG_LIMITS, limitMessages } from "./limits.js";
import { overridePathProblem } from "./override-paths.js";
import { type ConfigProblem, formatPath } from "./problem.js";
import { checkReferences } from "./references.js";
import { RootSchema } from "./schema/root.js";
import { type Locator, noPositions, parseSource } from "./source.js";
import { didYouMean } from "./suggest.js";

export type { Config, Resource, ResourceType } from "../resources/index.js";
export { CONFIG_LIMITS, limitMessages } from "./limits.js";
export { envVarName } from "./params.js";
export { type ConfigProblem, ConfigValidationError } from "./problem.js";

export type LoadConfigResult =
  | {
      ok: true;
      config: Config;
      warnings: ConfigProblem[];
      /** The config exactly as received (text as sent; an object as JSON), for storing. */
      source: string;
      format: "yaml" | "json";
    }
  | { ok: false; errors: ConfigProblem[] };

const RESOURCE_NAME = /^[a-zA-Z0-9]+$/;

/**
 * Parses (YAML or JSON text, or an already-parsed object) and validates the whole language:
 * schemas, cross-resource references, directive syntax and references, event patterns, the rules
 * per bus. Needs no stage: $Stage/$Region/$Format and runtime directives are resolved by the compiler.
 */
export function loadConfig(
  input: string | unknown,
  options: { format?: "yaml" | "json" } = {},
): LoadConfigResult {
  try {
    return loadWithinLimits(input, options);
  } catch (e) {
    // The limits keep every step bounded; should one still exhaust the stack or an allocation, the
    // caller gets a config problem in our words, not the engine's message or a 500.
    if (e instanceof RangeError)
      return { ok: false, errors: [{ path: "(root)", message: limitMessages.tooComplex() }] };
    throw e;
  }
}

function loadWithinLimits(input: string | unknown, options: { format?: "yaml" | "json" }): LoadConfigResult {
  let raw: unknown;
  let locate: Locator = noPositions;
  let source: string;
  let format: "yaml" | "json";
  if (typeof input === "string") {
    source = input;
    // Text declared as JSON must be JSON; undeclared text is JSON when it parses as JSON, else YAML.
    const jsonError =
      /^\s*[{[]/.test(input) || options.format === "json" ? jsonParseError(input) : { at: undefined };
    format = options.format ?? (jsonError === undefined ? "json" : "yaml");
    if (format === "json" && jsonError !== undefined) {
      // JSON.parse's message is the engine's: only where it stopped is kept (when it says; else
      // where YAML's parse of the same text stops, if it does).
      const yamlStop = jsonError.at === undefined ? parseSource(input) : undefined;
      const at =
        jsonError.at !== undefined
          ? lineAndColumn(input, jsonError.at)
          : yamlStop && !yamlStop.ok
            ? { line: yamlStop.errors[0]?.line, column: yamlStop.errors[0]?.column }
            : {};
      return { ok: false, errors: [{ path: "(root)", ...at, message: JSON_SYNTAX_MESSAGE }] };
    }
    const parsed = parseSource(input);
    if (!parsed.ok) return parsed;
    raw = parsed.value;
    locate = parsed.locate;
  } else {
    const bounded = boundedTree(input);
    if (!bounded.ok)
      return { ok: false, errors: [{ path: formatPath(bounded.path), message: bounded.message }] };
    raw = bounded.value;
    format = options.format ?? "json";
    source = JSON.stringify(raw, null, 2) ?? "";
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return {
      ok: false,
      errors: [problemAt(locate, [], "A config is an object with at least a `resources` key.")],
    };
  }

  const directives = resolveLoadDirectives(raw);
  const errors: ConfigProblem[] = directives.problems.map((p) => problemAt(locate, p.path, p.message));
  const warnings: ConfigProblem[] = [];
  const resolved = directives.value as Record<string, unknown>;

  const root = RootSchema.safeParse(resolved);
  if (!root.success) errors.push(...zodProblems(root.error.issues, [], locate));
  if (hasOwn(resolved, "serviceName")) {
    warnings.push(
      problemAt(
        locate,
        ["serviceName"],
        "serviceName is deprecated and ignored: the project and stage name the stack.",
        true,
      ),
    );
  }

  const resources = dict<Resource>();
  /** Resources named in the config that did not load (name → the type they say, if any). */
  const unloaded = new Map<string, string>();
  const rawResources = resolved.resources;
  // Checked before the per-resource schemas, which are the expensive part of loading.
  const resourceCount = entriesOf(rawResources).length + entriesOf(resolved.cloudformationResources).length;
  if (resourceCount > CONFIG_LIMITS.resources) {
    errors.push(problemAt(locate, ["resources"], limitMessages.resources(resourceCount), true));
    return { ok: false, errors: sortByPosition(errors) };
  }
  if (rawResources && typeof rawResources === "object" && !Array.isArray(rawResources)) {
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(rawResources)) {
      const path = ["resources", name];
      // Logical IDs are PascalCase, so names differing only in case would collide in the template.
      const other = seen.get(name.toLowerCase());
      if (other !== undefined) {
        errors.push(
          problemAt(
            locate,
            path,
            `Resource names must differ in more than case: "${name}" and "${other}" would share CloudFormation logical IDs.`,
            true,
          ),
        );
        unloaded.set(name, String((value as { type?: unknown } | null)?.type ?? ""));
        continue;
      }
      seen.set(name.toLowerCase(), name);
      if (!RESOURCE_NAME.test(name)) {
        errors.push(
          problemAt(
            locate,
            path,
            `Resource name "${name}" must contain only letters and digits (/^[a-zA-Z0-9]+$/).`,
            true,
          ),
        );
        unloaded.set(name, String((value as { type?: unknown } | null)?.type ?? ""));
        continue;
      }
      const type = (value as { type?: unknown } | null)?.type;
      const definition = typeof type === "string" ? definitionOfType(type) : undefined;
      if (typeof type !== "string" || !definition) {
        const message =
          typeof type === "string"
            ? `Unknown resource type "${type}".${didYouMean(type, RESOURCE_TYPES)} Supported types: ${RESOURCE_TYPES.join(", ")}.`
            : `A resource needs a type; supported types: ${RESOURCE_TYPES.join(", ")}.`;
        errors.push(problemAt(locate, typeof type === "string" ? [...path, "type"] : path, message));
        unloaded.set(name, typeof type === "string" ? type : "");
        continue;
      }
      // On the raw value: the schema drops a "__proto__" key without a word.
      for (const [childId, changes] of entriesOf((value as { overrides?: unknown }).overrides)) {
        for (const [dotted] of entriesOf(changes)) {
          const refused = overridePathProblem(dotted);
          if (refused) errors.push(problemAt(locate, [...path, "overrides", childId, dotted], refused, true));
        }
      }
      const result = definition.schema.safeParse(value);
      if (result.success) resources[name] = result.data as Resource;
      else {
        errors.push(...zodProblems(result.error.issues, path, locate));
        unloaded.set(name, type);
      }
    }
  }

  // Every problem at once: the rules across resources run over what loaded, even when something
  // else did not (a wrong type in one resource must not hide a wrong reference in another).
  const loadedRoot = root.success ? root.data : {};
  // zod's output is plain objects again: every lookup below and in the compiler is by user keys.
  const config = ownTree({ ...(loadedRoot as Omit<Config, "resources">), resources }) as Config;
  delete (config as { serviceName?: string }).serviceName;
  errors.push(
    ...checkReferences(config, directives.uses, definitionOf, RESOURCE_DEFINITIONS, unloaded).map((p) =>
      problemAt(locate, p.path, p.message),
    ),
  );
  if (errors.length > 0) return { ok: false, errors: sortByPosition(errors) };
  return { ok: true, config, warnings, source, format };
}

const entriesOf = (value: unknown): [string, unknown][] =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];

const sortByPosition = (errors: ConfigProblem[]) =>
  [...errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

/**
 * Adds line/column to problems found after loading (the compiler's) by looking their paths up in
 * the original text; problems whose path is not in the text keep only the path.
 */
export function locateProblems(source: string, problems: ConfigProblem[]): ConfigProblem[] {
  const parsed = parseSource(source);
  if (!parsed.ok) return problems;
  return problems.map((p) => {
    if (p.line !== undefined || p.path === "(root)") return p;
    const pos = parsed.locate(p.path.split("."), true);
    return pos ? { ...p, line: pos.line, column: pos.column } : p;
  });
}

const JSON_SYNTAX_MESSAGE = "The config is not valid JSON.";

/** Undefined when the text is JSON; else where JSON.parse stopped, when it says. */
function jsonParseError(text: string): { at: number | undefined } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const at = /at position (\d+)/.exec((e as Error).message)?.[1];
    return { at: at === undefined ? undefined : Math.min(Number(at), text.length) };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: offset - lastBreak };
}
