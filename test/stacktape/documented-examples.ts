/**
 * Every example Stacktape documents in its npm package, read from node_modules at test time (so an
 * upgrade of the package brings its new examples): the YAML and TypeScript config blocks of
 * `ai-docs/**\/*.md` (TypeScript configs are run through the package's own `defineConfig`), and the
 * YAML fragments in the JSDoc of `plain.d.ts`, each placed into the smallest config where its
 * property lives (SKELETONS below).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { transformSync } from "esbuild";
import ts from "typescript";
import { parse as parseYaml } from "yaml";

const require = createRequire(import.meta.url);
/** The package's folder: its main module sits at the top of it. */
export const PACKAGE_DIR = dirname(require.resolve("stacktape"));
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"),
).version;

export interface DocExample {
  /** `ai-docs/concept/yaml-config.md#3` (the 3rd code block of the file) or `plain.d.ts: <holder>.<property>`. */
  id: string;
  /** YAML text as documented (positions in problems point into it), or a config object. */
  config: string | Record<string, unknown>;
}

export interface NotAConfig {
  id: string;
  /** Why the block is not a whole config (a fragment without its resource, a CI file, ...). */
  reason: string;
}

export interface Collected {
  examples: DocExample[];
  notConfigs: NotAConfig[];
}

/** Switchyard's resource types as Stacktape's types name their interfaces (plain.d.ts). */
export const SUPPORTED_INTERFACES: Readonly<Record<string, string>> = {
  "event-bus": "EventBus",
  function: "LambdaFunction",
  "batch-job": "BatchJob",
  "multi-container-workload": "ContainerWorkload",
  "http-api-gateway": "HttpApiGateway",
  "sqs-queue": "SqsQueue",
  "sns-topic": "SnsTopic",
};

export function collectExamples(): Collected {
  const out: Collected = { examples: [], notConfigs: [] };
  const docs = join(PACKAGE_DIR, "ai-docs");
  for (const file of markdownFiles(docs)) {
    const name = `ai-docs/${relative(docs, file)}`;
    let n = 0;
    for (const block of readFileSync(file, "utf8").matchAll(/```(\w*)\n([\s\S]*?)```/g)) {
      n++;
      const id = `${name}#${n}`;
      const [, lang = "", body = ""] = block;
      if (lang === "yaml" || lang === "yml") yamlBlock(id, body, out);
      else if (/^(ts|typescript)$/.test(lang) && /\bdefineConfig\s*\(/.test(body)) tsBlock(id, body, out);
    }
  }
  jsdocFragments(out);
  return out;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    )
    .sort();
}

function yamlBlock(id: string, body: string, out: Collected): void {
  let value: unknown;
  try {
    value = parseYaml(body, { logLevel: "silent" });
  } catch {
    // Not YAML a parser takes (e.g. a key written twice to show two alternatives): still a config
    // when it has resources, and Switchyard must say what is wrong with it.
    if (/^resources:/m.test(body)) out.examples.push({ id, config: body });
    else out.notConfigs.push({ id, reason: "not valid YAML and no resources" });
    return;
  }
  const keys = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.includes("resources")) out.examples.push({ id, config: body });
  else
    out.notConfigs.push({
      id,
      reason: `a fragment (${keys.length > 0 ? keys.join(", ") : "no mapping"})`,
    });
}

/** What a TypeScript config's function receives from the Stacktape CLI. */
const CONFIG_PARAMS = {
  projectName: "docs",
  stage: "dev",
  region: "eu-west-1",
  cliArgs: {},
  command: "deploy",
  awsProfile: "default",
  user: { id: "docs", name: "docs", email: "docs@example.com" },
};

/** Runs a TypeScript config block with the package itself as `stacktape`, as its CLI would. */
function tsBlock(id: string, body: string, out: Collected): void {
  const stacktape = require("stacktape");
  const module = { exports: {} as Record<string, unknown> };
  const requireOnly = (specifier: string) => {
    if (specifier === "stacktape") return stacktape;
    throw new Error(`imports ${specifier}`);
  };
  const quiet = { log() {}, warn() {}, info() {}, error() {} };
  try {
    const { code } = transformSync(body, { loader: "ts", format: "cjs", target: "node20" });
    // Snippets leave out their `import { ... } from "stacktape"`: the package's exports are in scope.
    const names = Object.keys(stacktape).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    new Function(...names, "require", "module", "exports", "process", "console", code)(
      ...names.map((n) => stacktape[n]),
      requireOnly,
      module,
      module.exports,
      { env: {} },
      quiet,
    );
    const exported = module.exports.default;
    const config = typeof exported === "function" ? exported(CONFIG_PARAMS) : exported;
    // Plain data, as the CLI serializes it (class instances become their properties).
    const plain = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    if (!plain || typeof plain !== "object" || !("resources" in plain))
      out.notConfigs.push({ id, reason: "defines no resources" });
    else out.examples.push({ id, config: plain });
  } catch (e) {
    out.notConfigs.push({ id, reason: `not runnable on its own: ${(e as Error).message}` });
  }
}

/* JSDoc fragments of plain.d.ts */

interface Fragment {
  /** Where the fragment's keys belong: `ScheduleIntegrationProps`, `SqsQueueEventBusIntegration.properties`. */
  holder: string;
  /** The property it documents, for the id. */
  property: string;
  yaml: string;
}

/**
 * The smallest config in which each holder's properties live, and where: a fragment documented there
 * is merged into it. A fragment whose holder is reachable from a supported type but missing here
 * fails the test, so an upgrade that documents a new place gets a skeleton (and is not skipped).
 */
const FUNCTION = {
  packaging: { type: "stacktape-lambda-buildpack", properties: { entryfilePath: "src/handler.ts" } },
};
const IMAGE = {
  type: "prebuilt-image",
  properties: { image: "public.ecr.aws/docker/library/busybox:latest" },
};
const BUS_TRIGGER = { eventBusName: "bus", eventPattern: { source: ["docs"] } };
type Skeleton = { resources: Record<string, unknown>; at: (string | number)[] };
const resource = (type: string, properties?: unknown): Skeleton => ({
  resources: { main: { type, ...(properties ? { properties } : {}) } },
  at: ["resources", "main"],
});
export const SKELETONS: Readonly<Record<string, Skeleton>> = {
  LambdaFunction: resource("function", FUNCTION),
  BatchJob: resource("batch-job", { container: { packaging: IMAGE }, resources: { cpu: 1, memory: 1024 } }),
  ContainerWorkload: resource("multi-container-workload", {
    containers: [{ name: "app", packaging: IMAGE }],
    resources: { cpu: 0.25, memory: 512 },
  }),
  HttpApiGateway: resource("http-api-gateway"),
  EventBus: resource("event-bus"),
  SqsQueue: resource("sqs-queue"),
  SnsTopic: resource("sns-topic"),
  ScheduleIntegrationProps: {
    resources: {
      main: {
        type: "function",
        properties: {
          ...FUNCTION,
          events: [{ type: "schedule", properties: { scheduleRate: "rate(1 hour)" } }],
        },
      },
    },
    at: ["resources", "main", "properties", "events", 0, "properties"],
  },
  EventBusIntegrationProps: {
    resources: {
      bus: { type: "event-bus" },
      main: {
        type: "function",
        properties: { ...FUNCTION, events: [{ type: "event-bus", properties: BUS_TRIGGER }] },
      },
    },
    at: ["resources", "main", "properties", "events", 0, "properties"],
  },
  "SqsQueueEventBusIntegration.properties": {
    resources: {
      bus: { type: "event-bus" },
      main: { type: "sqs-queue", properties: { events: [{ type: "event-bus", properties: BUS_TRIGGER }] } },
    },
    at: ["resources", "main", "properties", "events", 0, "properties"],
  },
};

function jsdocFragments(out: Collected): void {
  const file = join(PACKAGE_DIR, "plain.d.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const statement of source.statements)
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);

  // Who holds an interface: `holder.property` whose declared type names it (e.g. inputTransformer).
  const fragments: Fragment[] = [];
  const holdersOf = new Map<string, string[]>();
  const visitMembers = (members: ts.NodeArray<ts.TypeElement>, holder: string) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const property = member.name.getText(source);
      for (const yaml of yamlBlocks(member)) fragments.push({ holder, property, yaml });
      if (ts.isTypeLiteralNode(member.type)) visitMembers(member.type.members, `${holder}.${property}`);
      else
        for (const name of typeNames(member.type))
          holdersOf.set(name, [...(holdersOf.get(name) ?? []), holder]);
    }
  };
  for (const [name, declaration] of interfaces) visitMembers(declaration.members, name);
  for (const [name, declaration] of interfaces) {
    for (const yaml of yamlBlocks(declaration)) {
      for (const holder of holdersOf.get(name) ?? []) fragments.push({ holder, property: name, yaml });
    }
  }

  const aliases = new Map<string, ts.TypeNode>();
  for (const statement of source.statements)
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement.type);
  const reachable = reachableInterfaces(interfaces, aliases);
  for (const fragment of fragments) {
    const id = `plain.d.ts: ${fragment.holder}.${fragment.property}`;
    if (!reachable.has(fragment.holder.split(".")[0]!)) continue;
    const skeleton = SKELETONS[fragment.holder];
    if (!skeleton) {
      out.notConfigs.push({ id, reason: `MISSING SKELETON for ${fragment.holder}` });
      continue;
    }
    const config = structuredClone({ resources: skeleton.resources }) as Record<string, unknown>;
    let node = config as Record<string | number, unknown>;
    for (const key of skeleton.at) node = node[key] as Record<string | number, unknown>;
    Object.assign(node, parseYaml(fragment.yaml));
    out.examples.push({ id, config });
  }
}

function yamlBlocks(node: ts.Node): string[] {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  return docs.flatMap((doc) => {
    const text =
      typeof doc.comment === "string" ? doc.comment : (doc.comment ?? []).map((c) => c.text).join("");
    return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  });
}

/** Names of the types a type node refers to (through unions, arrays and inline objects). */
function typeNames(node: ts.Node): string[] {
  const names: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isTypeReferenceNode(n)) names.push(n.typeName.getText());
    n.forEachChild(visit);
  };
  visit(node);
  return names;
}

/** Interfaces reachable from the supported resource types through their properties' types. */
function reachableInterfaces(
  interfaces: Map<string, ts.InterfaceDeclaration>,
  aliases: Map<string, ts.TypeNode>,
): Set<string> {
  const seen = new Set<string>();
  const queue = Object.values(SUPPORTED_INTERFACES);
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const alias = aliases.get(name);
    if (alias) queue.push(...typeNames(alias));
    for (const member of interfaces.get(name)?.members ?? [])
      if (ts.isPropertySignature(member) && member.type) queue.push(...typeNames(member.type));
  }
  return seen;
}
