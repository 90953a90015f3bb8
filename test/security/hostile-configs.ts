/**
 * The most expensive configs a tenant can send, each at (or just past) one of the config limits
 * (api/config/limits.ts): the responsiveness test sends them beside /healthz, the benchmark times
 * them (`npm run bench -- hostile`).
 */
import { Lexer } from "yaml";
import { CONFIG_LIMITS } from "../../api/config/index.js";

export interface HostileConfig {
  name: string;
  /** YAML text, or an object for a JSON `{config}` body. */
  config: string | Record<string, unknown>;
  /** Whether `POST /v1/validate` answers 200 (it loads and compiles); else 422. */
  accepted: boolean;
}

const { tokens, keysPerMapping, stringChars, aliases, values, resources, bytes } = CONFIG_LIMITS;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const tokenCount = (text: string) => {
  let count = 0;
  for (const _ of new Lexer().lex(text)) count++;
  return count;
};

/** The largest `build(n)` within the token limit (binary search on n). */
function atTokenLimit(build: (n: number) => string): string {
  let [low, high] = [1, tokens];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (tokenCount(build(mid)) <= tokens) low = mid;
    else high = mid - 1;
  }
  return build(low);
}

/** `[1,1,...]` of `n` values. */
const flowList = (n: number) => `[${"1,".repeat(n - 1)}1]`;

/** A mapping of `keys` keys, indented by `indent`, about 6 tokens per key. */
const blockMapping = (keys: number, indent: string, prefix: string) =>
  range(keys)
    .map((i) => `${indent}${prefix}${i}: 1`)
    .join("\n");

/** A double-quoted string of `chars` characters, every tenth an escape (which composing unfolds). */
const quoted = (chars: number) => `"${"abcdefghi\\n".repeat(Math.floor((chars - 2) / 11))}"`;

export const HOSTILE_CONFIGS: HostileConfig[] = [
  { name: "3,000 nested block sequences", config: `${"- ".repeat(3000)}x\n`, accepted: false },
  {
    name: "250,000 nested flow sequences after a quote",
    config: `resources: {}\nx: [it's, ${"[".repeat(250_000)}\n`,
    accepted: false,
  },
  {
    name: `a flow sequence up to the ${tokens.toLocaleString("en-US")}-token limit`,
    config: atTokenLimit((n) => `resources: {}\nvariables:\n  x: ${flowList(n)}\n`),
    accepted: true,
  },
  {
    name: "a flow sequence filling the byte limit (refused at the token limit)",
    config: `resources: {}\nvariables:\n  x: [${"1,".repeat(bytes / 2 - 64)}1]\n`,
    accepted: false,
  },
  {
    name: "a block sequence up to the token limit",
    config: atTokenLimit((n) => `resources: {}\nvariables:\n  x:\n${"    - 1\n".repeat(n)}`),
    accepted: true,
  },
  {
    name: `mappings of ${keysPerMapping.toLocaleString("en-US")} keys up to the token limit (duplicate-key checks)`,
    config: atTokenLimit(
      (n) =>
        `resources: {}\nvariables:\n${range(n)
          .map((i) => `${i % keysPerMapping === 0 ? `  m${i}:\n` : ""}    k${i}: 1`)
          .join("\n")}\n`,
    ),
    accepted: true,
  },
  {
    name: `${keysPerMapping + 1} keys in one mapping`,
    config: `resources: {}\nvariables:\n${blockMapping(keysPerMapping + 1, "  ", "k")}\n`,
    accepted: false,
  },
  {
    name: "escaped strings of 64 KiB filling the byte limit",
    config: `resources: {}\nvariables:\n${range(Math.floor(bytes / stringChars) - 1)
      .map((i) => `  s${i}: ${quoted(stringChars)}`)
      .join("\n")}\n`,
    accepted: true,
  },
  {
    name: `aliases expanding to ${values.toLocaleString("en-US")} values`,
    // A list of 490 values, used 99 times: just under 50,000 values in all.
    config: `resources: {}\nvariables:\n  a: &a ${flowList(490)}\n  b: [${range(aliases - 1)
      .map(() => "*a")
      .join(", ")}]\n`,
    accepted: true,
  },
  {
    name: `$Var() expanding to ${values.toLocaleString("en-US")} values`,
    config: `resources: {}\nvariables:\n  v: ${flowList(500)}\n  w: [${range(97)
      .map(() => '"$Var().v"')
      .join(", ")}]\n`,
    accepted: true,
  },
  {
    name: `${resources} event buses (loaded, compiled, refused for their ${resources} outputs)`,
    config: `resources:\n${range(resources)
      .map((i) => `  bus${i}: { type: event-bus }`)
      .join("\n")}\n`,
    accepted: false,
  },
  {
    name: `${resources} resources with an unknown property each (${resources} located errors)`,
    config: `resources:\n${range(resources)
      .map((i) => `  bus${i}: { type: event-bus, properties: { archivaton: {} } }`)
      .join("\n")}\n`,
    accepted: false,
  },
  {
    name: `${resources + 1} resources`,
    config: `resources:\n${range(resources + 1)
      .map((i) => `  bus${i}: { type: event-bus }`)
      .join("\n")}\n`,
    accepted: false,
  },
  {
    name: "50 archived buses and 50 subscribed functions (350 CloudFormation resources, 200 outputs, compiled)",
    config: `resources:\n${range(50)
      .map((i) =>
        [
          `  bus${i}:`,
          "    type: event-bus",
          "    properties: { archivation: { enabled: true, retentionDays: 7 } }",
          `  consumer${i}:`,
          "    type: function",
          "    properties:",
          `      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/c${i}.ts } }`,
          `      connectTo: [bus${i}]`,
          "      events:",
          "        - type: event-bus",
          "          properties:",
          `            eventBusName: bus${i}`,
          `            eventPattern: { source: [app${i}], detail-type: [{ prefix: Order }] }`,
        ].join("\n"),
      )
      .join("\n")}\n`,
    accepted: true,
  },
  {
    name: "unknown directives copied by $Var() to 49,000 values (each problem reported once)",
    config: `resources: {}\nvariables:\n  v: [${range(490)
      .map(() => '"$Nope()"')
      .join(", ")}]\n  w: [${range(99)
      .map(() => '"$Var().v"')
      .join(", ")}]\n`,
    accepted: false,
  },
  {
    name: "$This() inside what it names, three times at each level (a cycle, cut where it is written)",
    config: `resources:\n  a: { type: event-bus, x: [${range(3)
      .map(() => '"$This().resources"')
      .join(", ")}] }\n`,
    accepted: false,
  },
  {
    name: "unknown directives up to the token limit (a located problem each)",
    config: atTokenLimit(
      (n) =>
        `resources: {}\nvariables:\n  v: [${range(n)
          .map(() => "$Nope()")
          .join(", ")}]\n`,
    ),
    accepted: false,
  },
  {
    name: `a JSON config object of ${values.toLocaleString("en-US")} values`,
    config: { resources: {}, variables: { x: range(values - 10) } },
    accepted: true,
  },
];
