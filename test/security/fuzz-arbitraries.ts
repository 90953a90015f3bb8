/**
 * What the fuzz suite (fuzz.test.ts) sends: fast-check arbitraries that know the config language,
 * YAML and EventBridge patterns, so that most cases get past the first parser and reach the
 * directives, the schemas, the compiler, the tenancy check and the matcher.
 */
import fc from "fast-check";
import { CONFIG_LIMITS } from "../../api/config/index.js";

/** Pieces of YAML's syntax and of the config language, which random text would rarely hit. */
export const YAML_PIECES = [
  "- ",
  ": ",
  "\n",
  "  ",
  "    ",
  "[",
  "]",
  "{",
  "}",
  ", ",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "<<: ",
  "'",
  '"',
  "# ",
  "|\n",
  ">\n",
  "? ",
  "!!str ",
  "!tag ",
  "%YAML 1.2\n",
  "---\n",
  "...\n",
  "\\",
  "\t",
  "\r\n",
  "resources",
  "type",
  "event-bus",
  "function",
  "properties",
  "overrides",
  "variables",
  "events",
  "eventPattern",
  "$Var().a",
  "$Format('{}', 1)",
  "$ResourceParam('b', 'arn')",
  "__proto__",
  "constructor",
  "prototype",
  "b",
  "a",
  "1",
  "-1",
  "1e400",
  "0x10",
  "null",
  "true",
  "~",
  "é",
  "\u202e",
];

/** Config text built from those pieces and short random strings. */
export const yamlPieceText = fc
  .array(fc.oneof(fc.constantFrom(...YAML_PIECES), fc.string({ maxLength: 4 })), { maxLength: 120 })
  .map((pieces) => pieces.join(""));

/** `base` with a random slice replaced by YAML pieces. */
export const spliced = (bases: readonly string[]) =>
  fc
    .tuple(
      fc.constantFrom(...bases),
      fc.nat(),
      fc.nat(),
      fc.array(fc.constantFrom(...YAML_PIECES), { maxLength: 6 }),
    )
    .map(([base, at, cut, insert]) => {
      const i = at % base.length;
      return base.slice(0, i) + insert.join("") + base.slice(Math.max(i, cut % base.length));
    });

/** Keys a tenant might try, and keys the config language knows. */
export const hostileKey = fc.constantFrom(
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "resources",
  "type",
  "properties",
  "overrides",
  "variables",
  "events",
  "eventPattern",
  "Name",
  "$or",
  "a",
  "b",
  "",
  "a.b",
);

/** Trees of hostile keys and config-ish values. */
export const hostileTree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("event-bus", "$Var().a", "$This().resources", "x", 1, true, null),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(hostileKey, tie("node"), { maxKeys: 4 }),
  ),
})).node;

/** Strings that mean something to the config language, to AWS or to a terminal. */
const hostileString = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      "",
      "__proto__",
      "constructor",
      "$Var().constructor",
      "$Var().a.b.c",
      "$This().resources",
      "$ResourceParam('constructor', 'arn')",
      "$ResourceParam('bus', 'constructor')",
      "$ResourceParam('bus', 'arn')",
      "$Format('{}{}', $Var().a)",
      "$Format($Format($Format('{}', 1), 2), 3)",
      "$CfFormat('{}-x', 'y')",
      "$Stage()",
      "$Region()",
      "$Secret('x')",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string.
      "${AWS::StackName}-x",
      "arn:aws:events:us-east-1:000000000000:event-bus/other--p--dev-bus",
      "arn:aws:sqs:us-east-1:000000000000:other--p--dev-q",
      "arn:aws:iam::000000000000:role/admin",
      "*",
      "\u202e\u0000\r\n",
    ),
  },
  // Around the string limit, and past it (rarely: the limit has its own property).
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(1_000, CONFIG_LIMITS.stringChars, CONFIG_LIMITS.stringChars + 1)
      .map((n) => "x".repeat(n)),
  },
);

/** Any value where a config expects one of a certain type. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 1, 1e308, -1e308, true, false, null),
  fc.constant([]),
  fc.constant({}),
  hostileTree,
  // Nesting around the limit.
  fc.integer({ min: 1, max: CONFIG_LIMITS.nesting + 4 }).map((depth) => nested(depth, "x")),
);

/** Mostly `valid`, sometimes a hostile value instead. */
const mutant = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostileValue });

/** `value` inside `depth` one-element arrays. */
const nested = (depth: number, value: unknown): unknown => {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** The names the generated resources have, so references between them often resolve. */
const RESOURCE_NAMES = ["bus", "queue", "fn", "constructor", "toString", "a"] as const;
const resourceName = fc.constantFrom(...RESOURCE_NAMES);

/** A field of an event, for patterns and events alike. */
const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("source", "detail-type", "detail", "a", "b", "n") },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "", "a.b", "*", "exists") },
  { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
);

/** Values of events, and the literals patterns compare them with: few, so that they meet. */
const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("a", "b", "Order", "10.0.0.7", "") },
  fc.string({ maxLength: 4 }),
);
const nonEmptyWord = word.filter((w) => w !== "");
const number = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }) },
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(5e-324, 1e21, 2 ** 53 + 1, -0),
);
const scalar = fc.oneof(
  { weight: 3, arbitrary: word },
  { weight: 2, arbitrary: number },
  fc.boolean(),
  fc.constant(null),
);

const comparison = fc.constantFrom("<", ">", "=", "<=", ">=");

/** One matcher as EventBridge documents it: a literal or an operator with its operand. */
const validMatcher = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.record({ prefix: nonEmptyWord }),
  fc.record({ prefix: fc.record({ "equals-ignore-case": nonEmptyWord }) }),
  fc.record({ suffix: nonEmptyWord }),
  fc.record({ "anything-but": fc.oneof(word, number, fc.array(word, { minLength: 1, maxLength: 3 })) }),
  fc.record({ "anything-but": fc.record({ prefix: nonEmptyWord }) }),
  fc.record({ numeric: fc.tuple(comparison, number) }),
  fc.record({
    numeric: fc
      .tuple(fc.integer({ min: -3, max: 2 }), fc.integer({ min: 1, max: 3 }))
      .map(([low, span]) => [">=", low, "<", low + span]),
  }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ wildcard: fc.constantFrom("a*", "*b", "O*r", "*", "a*b*") }),
  fc.record({ "equals-ignore-case": word }),
  fc.record({ cidr: fc.constantFrom("10.0.0.0/8", "10.0.0.0/24", "::1/64") }),
);

/** A matcher EventBridge may refuse: wrong operand types, unknown operators, malformed ranges. */
const invalidMatcher = fc.oneof(
  fc.record({ prefix: fc.oneof(scalar, fc.record({ "equals-ignore-case": scalar })) }),
  fc.record({ suffix: scalar }),
  fc.record({ "anything-but": fc.oneof(fc.array(scalar, { maxLength: 3 }), fc.record({ wildcard: word })) }),
  fc.record({ numeric: fc.array(fc.oneof(comparison, number, scalar), { maxLength: 5 }) }),
  fc.record({ exists: scalar }),
  fc.record({ wildcard: fc.stringMatching(/^[a*\\b]{0,8}$/) }),
  fc.record({ "equals-ignore-case": scalar }),
  fc.record({ cidr: fc.constantFrom("1.2.3.4/33", "x", "2001:db8::/129", "10.0.0.0") }),
  fc.dictionary(fc.constantFrom("prefix", "numeric", "nope"), scalar, { maxKeys: 2 }),
);

const matcher = fc.oneof({ weight: 150, arbitrary: validMatcher }, { weight: 1, arbitrary: invalidMatcher });

/** What EventBridge refuses in a pattern's structure: a bare value, an empty list or object. */
const oddity = fc.oneof(scalar, fc.constant([]), fc.constant({}));

/**
 * EventBridge patterns of nesting `depth`: fields of matcher lists, nested fields and `$or`s; mostly
 * valid, so that the matcher runs, with an invalid part now and then.
 */
function patternOf(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const matchers = fc.array(matcher, { minLength: 1, maxLength: 3 });
  const value =
    depth === 0
      ? fc.oneof({ weight: 100, arbitrary: matchers }, { weight: 1, arbitrary: oddity })
      : fc.oneof(
          { weight: 70, arbitrary: matchers },
          { weight: 30, arbitrary: patternOf(depth - 1) },
          { weight: 1, arbitrary: oddity },
        );
  const or =
    depth === 0
      ? fc.constant(undefined)
      : fc.option(
          fc.oneof(
            { weight: 60, arbitrary: fc.array(patternOf(depth - 1), { minLength: 2, maxLength: 3 }) },
            { weight: 1, arbitrary: fc.array(patternOf(depth - 1), { maxLength: 1 }) },
          ),
          { freq: 3, nil: undefined },
        );
  return fc
    .tuple(fc.dictionary(fieldName, value, { minKeys: 1, maxKeys: 3 }), or)
    .map(([fields, branches]) => (branches === undefined ? fields : { ...fields, $or: branches }));
}

export const eventPattern = fc.oneof(patternOf(0), patternOf(1), patternOf(2));

/** Events: the envelope's fields and nested details of any JSON. */
const event = fc.dictionary(
  fieldName,
  fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 }), fc.array(scalar, { maxLength: 3 })),
  { maxKeys: 5 },
);

/**
 * An event built to match `pattern` where that is easy (a literal of each field, the first `$or`
 * branch), so that matches are found too, not only refusals and misses.
 */
function likelyMatch(pattern: Record<string, unknown>): Record<string, unknown> {
  // Null-prototype, so that a field named "__proto__" is an own key, as in the pattern.
  const out: Record<string, unknown> = Object.create(null);
  for (const [field, value] of Object.entries(pattern)) {
    if (field === "$or") {
      const first = Array.isArray(value) ? value[0] : undefined;
      if (first && typeof first === "object")
        Object.assign(out, likelyMatch(first as Record<string, unknown>));
    } else if (Array.isArray(value)) {
      const literal = value.find((m) => m === null || typeof m !== "object");
      const prefix = value.find((m) => typeof m?.prefix === "string")?.prefix;
      if (literal !== undefined) out[field] = literal;
      else if (prefix !== undefined) out[field] = `${prefix}z`;
    } else if (value !== null && typeof value === "object") {
      out[field] = likelyMatch(value as Record<string, unknown>);
    }
  }
  return out;
}

/** A pattern and an event: any event, or one built to match it. */
export const patternAndEvent = eventPattern.chain((pattern) =>
  fc.tuple(
    fc.constant(pattern),
    fc.oneof(event, { weight: 2, arbitrary: fc.constant(likelyMatch(pattern)) }),
  ),
);

const boolMutant = mutant(fc.boolean());
const countMutant = mutant(fc.integer({ min: 0, max: 100_000 }));

const eventBus = fc.record(
  {
    type: fc.constant("event-bus"),
    properties: fc.record(
      {
        archivation: fc.record(
          { enabled: boolMutant, retentionDays: countMutant },
          { requiredKeys: ["enabled"] },
        ),
        eventSourceName: mutant(fc.constantFrom("aws.partner/example.com/1/x", "x")),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["type"] },
);

const trigger = fc.record(
  {
    type: mutant(fc.constant("event-bus")),
    properties: fc.record(
      {
        eventBusName: mutant(resourceName),
        eventBusArn: mutant(fc.constant("arn:aws:events:us-east-1:000000000000:event-bus/other--p--dev-bus")),
        useDefaultBus: boolMutant,
        eventPattern: mutant(eventPattern),
        input: mutant(hostileTree),
        inputPath: mutant(fc.constantFrom("$.detail", "$", "$..x", "detail")),
        onDeliveryFailure: mutant(fc.record({ sqsQueueName: mutant(resourceName) })),
        retryPolicy: fc.record({ maximumEventAgeInSeconds: countMutant, maximumRetryAttempts: countMutant }),
      },
      { requiredKeys: ["eventPattern"] },
    ),
  },
  { requiredKeys: ["type", "properties"] },
);

const sqsQueue = fc.record(
  {
    type: fc.constant("sqs-queue"),
    properties: fc.record(
      {
        fifoQueue: boolMutant,
        visibilityTimeoutSec: countMutant,
        messageRetentionPeriodSec: countMutant,
        events: fc.array(trigger, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["type"] },
);

const lambdaFunction = fc.record(
  {
    type: fc.constant("function"),
    properties: fc.record(
      {
        packaging: fc.record({
          type: mutant(fc.constant("stacktape-lambda-buildpack")),
          properties: fc.record({ entryfilePath: mutant(fc.constant("src/a.ts")) }),
        }),
        memory: countMutant,
        connectTo: fc.array(mutant(resourceName), { maxLength: 3 }),
        environment: fc.array(fc.record({ name: mutant(fc.constant("A")), value: hostileValue }), {
          maxLength: 2,
        }),
        events: fc.array(trigger, { maxLength: 3 }),
      },
      { requiredKeys: ["packaging"] },
    ),
  },
  { requiredKeys: ["type", "properties"] },
);

/** `overrides` of a resource: a logical ID, a dotted property path, any value. */
const overrides = fc.dictionary(
  fc.constantFrom("BusEventBus", "QueueQueue", "FnLambda", "Nope", "__proto__"),
  fc.dictionary(
    fc
      .array(fc.oneof(hostileKey, fc.constantFrom("Name", "Tags", "0", "Description", "EventBusName")), {
        minLength: 1,
        maxLength: 4,
      })
      .map((s) => s.join(".")),
    hostileValue,
    { maxKeys: 2 },
  ),
  { maxKeys: 2 },
);

/**
 * Configs that are valid or nearly so: buses, queues and functions with their properties,
 * triggers with patterns, references between them and overrides, where any value may be
 * replaced by a hostile one (wrong type, directives, other teams' ARNs, huge, deep).
 */
export const validishConfig = fc.record(
  {
    variables: fc.dictionary(fc.constantFrom("a", "b", "constructor"), hostileValue, { maxKeys: 2 }),
    resources: fc
      .array(
        fc.tuple(
          resourceName,
          fc.oneof(eventBus, sqsQueue, lambdaFunction),
          fc.option(overrides, { freq: 3, nil: undefined }),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((entries) => {
        const resources: Record<string, unknown> = Object.create(null);
        for (const [name, resource, over] of entries) {
          resources[name] = over === undefined ? resource : { ...resource, overrides: over };
        }
        return resources;
      }),
  },
  { requiredKeys: ["resources"] },
);

export type NestingStyle = "flow-sequence" | "flow-mapping" | "block-sequence" | "block-mapping";

/** What follows `key:` in a block mapping indented by 2: `depth` levels of nesting around `x`. */
export function nestedYaml(style: NestingStyle, depth: number): string {
  switch (style) {
    case "flow-sequence":
      return ` ${"[".repeat(depth)}x${"]".repeat(depth)}`;
    case "flow-mapping":
      return ` ${"{a: ".repeat(depth)}x${"}".repeat(depth)}`;
    case "block-sequence":
      return `\n    ${"- ".repeat(depth)}x`;
    case "block-mapping":
      return `\n${Array.from({ length: depth }, (_, i) => `${" ".repeat(2 * i + 4)}a:`).join("\n")} x`;
  }
}

/**
 * "Billion laughs": each of `levels` anchored sequences holds `fan` aliases of the one before, so
 * the last stands for fan^levels values.
 */
export function aliasLadder(levels: number, fan: number): string {
  const lines = ["resources: {}", "variables:", "  l0: &l0 [x]"];
  for (let i = 1; i < levels; i++) {
    lines.push(`  l${i}: &l${i} [${Array.from({ length: fan }, () => `*l${i - 1}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}
