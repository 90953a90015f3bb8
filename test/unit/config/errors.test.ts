import { describe, expect, it } from "vitest";
import { type ConfigProblem, loadConfig } from "../../../api/config/index.js";

/** Loads YAML that must fail and returns its problems. */
function errorsOf(yaml: string): ConfigProblem[] {
  const result = loadConfig(yaml);
  if (result.ok) throw new Error("expected the config to be invalid");
  return result.errors;
}

const bus = "  bus:\n    type: event-bus\n";
const queue = "  dlq:\n    type: sqs-queue\n";
/** A function subscribed to `bus`; `props` are extra subscription properties (10-space indented, shifted here). */
const subscriber = (props: string, selector = "          eventBusName: bus\n") => {
  const shift = (text: string) => text.replace(/^(?=.)/gm, "  ");
  return `resources:\n${bus}${queue}  consumer:\n    type: function\n    properties:\n      packaging:\n        type: stacktape-lambda-buildpack\n        properties: { entryfilePath: a.ts }\n      events:\n        - type: event-bus\n          properties:\n${shift(selector)}            eventPattern: { source: [app] }\n${shift(props)}`;
};

describe("config errors name the path, line and column", () => {
  it("rejects YAML syntax errors at their position", () => {
    expect(errorsOf("resources:\n  a: [1, 2\n")).toEqual([
      {
        path: "(root)",
        line: 3,
        column: 1,
        message:
          "A `[` or `{` is not closed where it should be: close it on the line it ends, or indent its lines more than the key it belongs to.",
      },
    ]);
  });

  it("rejects duplicate keys", () => {
    const [error] = errorsOf(`resources:\n${bus}${bus}`);
    expect(error).toMatchObject({ line: 4, column: 3, message: expect.stringContaining("unique") });
  });

  it("caps alias expansion (no alias bombs)", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10)
          .fill(`*${i === 0 ? "a" : "bcdefghi"[i - 1]}`)
          .join(", ")}]`,
      );
    lines.push("resources: {}");
    const [error] = errorsOf(lines.join("\n"));
    expect(error!.message).toMatch(/alias/i);
  });

  it("caps nesting depth in text and in objects", () => {
    // At the bracket that opens the 65th level.
    expect(errorsOf(`resources: {}\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`)).toEqual([
      { path: "(root)", line: 2, column: 68, message: "The config nests deeper than 64 levels." },
    ]);
    // A quote inside a plain scalar opens no string: it cannot hide the brackets after it.
    expect(errorsOf(`resources: {}\nx: [it's, ${"[".repeat(250_000)}\n`)).toEqual([
      { path: "(root)", line: 2, column: 74, message: "The config nests deeper than 64 levels." },
    ]);
    // Brackets inside scalars nest nothing.
    const brackets = "[{".repeat(100);
    const scalars = loadConfig(`resources: {}\nx: "${brackets}"\ny: it's ${brackets}\n`);
    expect(scalars.ok ? [] : scalars.errors.map((e) => e.message)).not.toContain(
      "The config nests deeper than 64 levels.",
    );
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { a: deep };
    const result = loadConfig({ resources: {}, variables: { deep } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toBe("The config nests deeper than 64 levels.");
    const cyclic: Record<string, unknown> = { resources: {} };
    cyclic.self = cyclic;
    const cycle = loadConfig(cyclic);
    expect(cycle.ok).toBe(false);
    if (!cycle.ok)
      expect(cycle.errors).toEqual([{ path: "self", message: expect.stringMatching(/contains itself/) }]);
  });

  it("caps the config size", () => {
    const [error] = errorsOf(`resources: {}\n# ${"x".repeat(600 * 1024)}\n`);
    expect(error!.message).toBe("The config is larger than 524288 bytes.");
  });

  it("requires resources", () => {
    expect(errorsOf("variables: {}\n")).toEqual([
      { path: "resources", line: 1, column: 1, message: 'Missing required property "resources".' },
    ]);
  });

  it("rejects unknown top-level keys with a did-you-mean hint", () => {
    expect(errorsOf(`resources:\n${bus}stackConfg: {}\n`)).toEqual([
      {
        path: "stackConfg",
        line: 4,
        column: 1,
        message: expect.stringMatching(/^Unknown property "stackConfg"\. Did you mean "stackConfig"\?/),
      },
    ]);
  });

  it("rejects unknown resource properties with a hint", () => {
    expect(
      errorsOf("resources:\n  bus:\n    type: event-bus\n    properties:\n      archivaton: {}\n"),
    ).toEqual([
      {
        path: "resources.bus.properties.archivaton",
        line: 5,
        column: 7,
        message: expect.stringContaining('Did you mean "archivation"?'),
      },
    ]);
  });

  it("rejects resource names that are not alphanumeric", () => {
    expect(errorsOf("resources:\n  my-bus:\n    type: event-bus\n")).toEqual([
      {
        path: "resources.my-bus",
        line: 2,
        column: 3,
        message: 'Resource name "my-bus" must contain only letters and digits (/^[a-zA-Z0-9]+$/).',
      },
    ]);
  });

  it("rejects resource names that differ only in case", () => {
    expect(errorsOf(`resources:\n${bus}  Bus:\n    type: event-bus\n`)).toEqual([
      {
        path: "resources.Bus",
        line: 4,
        column: 3,
        message:
          'Resource names must differ in more than case: "Bus" and "bus" would share CloudFormation logical IDs.',
      },
    ]);
  });

  it("rejects unknown resource types with a hint", () => {
    expect(errorsOf("resources:\n  bus:\n    type: event-buss\n")).toEqual([
      {
        path: "resources.bus.type",
        line: 3,
        column: 11,
        message: expect.stringMatching(/^Unknown resource type "event-buss"\. Did you mean "event-bus"\?/),
      },
    ]);
  });

  it("checks value types and ranges", () => {
    const yaml =
      "resources:\n  bus:\n    type: event-bus\n    properties:\n      archivation: { enabled: yes, retentionDays: 0 }\n";
    const errors = errorsOf(yaml);
    expect(errors).toEqual([
      {
        path: "resources.bus.properties.archivation.enabled",
        line: 5,
        column: 31,
        message: expect.stringContaining("expected boolean"),
      },
      {
        path: "resources.bus.properties.archivation.retentionDays",
        line: 5,
        column: 51,
        message: expect.stringContaining(">=1"),
      },
    ]);
  });

  it("requires exactly one bus selector", () => {
    const both = subscriber("", "          eventBusName: bus\n          useDefaultBus: true\n");
    expect(errorsOf(both)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties",
        line: 15,
        column: 13,
        message:
          "When referencing event bus you must specify exactly one of eventBusName, eventBusArn or useDefaultBus properties.",
      },
    ]);
    expect(errorsOf(subscriber("", ""))[0]!.message).toMatch(/exactly one of eventBusName/);
  });

  it("requires eventPattern", () => {
    const yaml = subscriber("").replace("          eventPattern: { source: [app] }\n", "");
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.eventPattern",
        line: 14,
        column: 11,
        message: 'Missing required property "eventPattern".',
      },
    ]);
  });

  it("validates eventPattern with EventBridge's rules and messages", () => {
    const yaml = subscriber("").replace("{ source: [app] }", "{ source: [{ prefixx: a }] }");
    const [error] = errorsOf(yaml);
    expect(error).toMatchObject({
      path: "resources.consumer.properties.events.0.properties.eventPattern",
      line: 16,
      column: 27,
    });
    expect(error!.message).toMatch(/^Event pattern is not valid\. Reason: /);
  });

  it("caps the event pattern size", () => {
    const sources = Array.from({ length: 700 }, (_, i) => `s${i}`);
    const values = sources.join(", ");
    const length = JSON.stringify({ source: sources }).length;
    const [error] = errorsOf(subscriber("").replace("{ source: [app] }", `{ source: [${values}] }`));
    expect(error).toMatchObject({
      path: "resources.consumer.properties.events.0.properties.eventPattern",
      line: 16,
      column: 27,
      message: `The event pattern is ${length} characters; EventBridge accepts at most 4096 (2,048 unless the quota was raised).`,
    });
  });

  it("names a missing bus, with a hint", () => {
    const yaml = subscriber("", "          eventBusName: buss\n");
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.eventBusName",
        line: 15,
        column: 27,
        message: 'eventBusName "buss" is not a resource in this config. Did you mean "bus"?',
      },
    ]);
  });

  it("rejects an eventBusName that is not a bus", () => {
    const [error] = errorsOf(subscriber("", "          eventBusName: dlq\n"));
    expect(error).toMatchObject({
      line: 15,
      column: 27,
      message: 'eventBusName "dlq" is a sqs-queue, not an event-bus.',
    });
  });

  it("allows at most one of input, inputPath, inputTransformer", () => {
    const yaml = subscriber("          input: { a: 1 }\n          inputPath: $.detail\n");
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.inputPath",
        line: 18,
        column: 24,
        message: "At most one of input, inputPath or inputTransformer may be set; found input and inputPath.",
      },
    ]);
  });

  it("requires a string input to be JSON", () => {
    const [error] = errorsOf(subscriber("          input: 'not json'\n"));
    expect(error).toMatchObject({
      line: 17,
      column: 20,
      message: "input must be an object or a valid JSON string.",
    });
  });

  it("requires exactly one dead-letter queue selector", () => {
    const yaml = subscriber(
      "          onDeliveryFailure: { sqsQueueName: dlq, sqsQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:q' }\n",
    );
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.onDeliveryFailure",
        line: 17,
        column: 32,
        message: "onDeliveryFailure needs exactly one of sqsQueueName or sqsQueueArn.",
      },
    ]);
  });

  it("requires the dead-letter queue to be a queue of the config", () => {
    const [error] = errorsOf(subscriber("          onDeliveryFailure: { sqsQueueName: bus }\n"));
    expect(error).toMatchObject({
      line: 17,
      column: 48,
      message: 'sqsQueueName "bus" is an event-bus, not a sqs-queue.',
    });
  });

  it("bounds retryPolicy", () => {
    const yaml = subscriber(
      "          retryPolicy: { maximumEventAgeInSeconds: 59, maximumRetryAttempts: 186 }\n",
    );
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.consumer.properties.events.0.properties.retryPolicy.maximumEventAgeInSeconds",
        line: 17,
        column: 54,
        message: expect.stringContaining(">=60"),
      },
      {
        path: "resources.consumer.properties.events.0.properties.retryPolicy.maximumRetryAttempts",
        line: 17,
        column: 80,
        message: expect.stringContaining("<=185"),
      },
    ]);
  });

  it("accepts messageGroupId only on queue subscriptions", () => {
    const [error] = errorsOf(subscriber("          messageGroupId: g\n"));
    expect(error).toMatchObject({
      line: 17,
      column: 13,
      message: expect.stringContaining('Unknown property "messageGroupId"'),
    });
  });

  it("requires messageGroupId exactly on FIFO queue subscriptions", () => {
    const queue = (fifo: boolean, group: string) =>
      `resources:\n  q:\n    type: sqs-queue\n    properties:\n      fifoEnabled: ${fifo}\n      events:\n        - type: event-bus\n          properties:\n            useDefaultBus: true\n            eventPattern: { source: [a] }\n${group}`;
    expect(errorsOf(queue(true, ""))).toEqual([
      {
        path: "resources.q.properties.events.0.properties",
        line: 9,
        column: 13,
        message: "A FIFO queue target needs messageGroupId.",
      },
    ]);
    expect(errorsOf(queue(false, "            messageGroupId: g\n"))).toEqual([
      {
        path: "resources.q.properties.events.0.properties.messageGroupId",
        line: 11,
        column: 29,
        message: "messageGroupId applies only to FIFO queues (fifoEnabled: true).",
      },
    ]);
  });

  it("rejects event types a resource cannot subscribe to", () => {
    const yaml =
      "resources:\n  q:\n    type: sqs-queue\n    properties:\n      events:\n        - type: http-api-gateway\n          properties: {}\n";
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.q.properties.events.0.type",
        line: 6,
        column: 17,
        message: 'Unsupported event type "http-api-gateway" on a sqs-queue. Supported types here: event-bus.',
      },
    ]);
  });

  it("rejects connectTo to missing or unsupported resources", () => {
    const yaml = `resources:\n${bus}  api:\n    type: http-api-gateway\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      connectTo: [buss, api]\n`;
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.fn.properties.connectTo.0",
        line: 10,
        column: 19,
        message: 'connectTo "buss" is not a resource in this config. Did you mean "bus"?',
      },
      {
        path: "resources.fn.properties.connectTo.1",
        line: 10,
        column: 25,
        message: 'Resource type "http-api-gateway" cannot be scoped by connectTo.',
      },
    ]);
  });

  describe("rules per bus", () => {
    const trigger = (busName: string) =>
      `        - type: event-bus\n          properties: { eventBusName: ${busName}, eventPattern: { source: [app] } }\n`;
    /** Buses `bus` and `other`, and one queue per entry with that many triggers on its bus (one rule each). */
    const queuesOn = (queues: { bus: string; triggers: number }[]) =>
      `resources:\n${bus}  other:\n    type: event-bus\n${queues
        .map(
          (q, i) =>
            `  q${i}:\n    type: sqs-queue\n    properties:\n      events:\n${trigger(q.bus).repeat(q.triggers)}`,
        )
        .join("")}`;

    it("rejects more than 300 triggers on one bus at the first one over, naming bus, count and limit", () => {
      // q0 holds 200 triggers and q1 101: the 301st rule is q1's trigger 100, the line after 5 + 4 + 400 + 4 + 200 + 1.
      const yaml = queuesOn([
        { bus: "bus", triggers: 200 },
        { bus: "bus", triggers: 101 },
      ]);
      expect(errorsOf(yaml)).toEqual([
        {
          path: "resources.q1.properties.events.100.properties.eventBusName",
          line: 615,
          column: 39,
          message:
            'Event bus "bus" would have 301 rules (one per event-bus trigger); EventBridge allows at most 300 rules per event bus. Split the subscribers across several buses.',
        },
      ]);
      expect(errorsOf(queuesOn([{ bus: "bus", triggers: 400 }]))[0]!.message).toMatch(
        /^Event bus "bus" would have 400 rules/,
      );
    });

    it("accepts 300 triggers on a bus, and 301 spread over two buses", () => {
      const full = loadConfig(
        queuesOn([
          { bus: "bus", triggers: 150 },
          { bus: "bus", triggers: 150 },
        ]),
      );
      expect(full.ok).toBe(true);
      const spread = loadConfig(
        queuesOn([
          { bus: "bus", triggers: 300 },
          { bus: "other", triggers: 1 },
        ]),
      );
      expect(spread.ok).toBe(true);
    });
  });

  it("rejects routes to a missing HTTP API", () => {
    const yaml =
      "resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      events:\n        - type: http-api-gateway\n          properties: { httpApiGatewayName: api, method: GET, path: /x }\n";
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.fn.properties.events.0.properties.httpApiGatewayName",
        line: 8,
        column: 45,
        message: 'httpApiGatewayName "api" is not a resource in this config.',
      },
    ]);
  });

  it("rejects an eventBusArn that is not an event bus ARN", () => {
    const [error] = errorsOf(subscriber("", "          eventBusArn: arn:aws:sqs:eu-west-1:123456789012:q\n"));
    expect(error).toMatchObject({
      path: "resources.consumer.properties.events.0.properties.eventBusArn",
      line: 15,
      column: 26,
      message:
        '"arn:aws:sqs:eu-west-1:123456789012:q" is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>), nor a bus shared with the team (<team>:<project>/<stage>/<bus>).',
    });
  });

  it("requires inputTransformer.inputTemplate", () => {
    const [error] = errorsOf(
      subscriber("          inputTransformer: { inputPathsMap: { a: $.detail.a } }\n"),
    );
    expect(error).toMatchObject({
      path: "resources.consumer.properties.events.0.properties.inputTransformer.inputTemplate",
      line: 17,
      column: 13,
      message: 'Missing required property "inputTemplate".',
    });
  });

  it("rejects a resource connecting to itself", () => {
    const yaml =
      "resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      connectTo: [fn]\n";
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.fn.properties.connectTo.0",
        line: 6,
        column: 19,
        message: "A resource cannot connectTo itself.",
      },
    ]);
  });

  it("rejects event types a function does not support", () => {
    const yaml =
      "resources:\n  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      events:\n        - type: iot\n          properties: {}\n";
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.fn.properties.events.0.type",
        line: 7,
        column: 17,
        message:
          'Unsupported event type "iot" on a function. Supported types here: event-bus, http-api-gateway, schedule, sqs, sns, kinesis-stream, dynamo-db-stream, kafka-topic, cloudwatch-log.',
      },
    ]);
  });

  it("rejects impossible batch resource requests", () => {
    const yaml =
      "resources:\n  job:\n    type: batch-job\n    properties:\n      container: { packaging: { type: prebuilt-image, properties: { image: x } } }\n      resources: { cpu: 0.5, memory: 2000000, gpu: 9 }\n";
    expect(errorsOf(yaml)).toEqual([
      {
        path: "resources.job.properties.resources.cpu",
        line: 6,
        column: 25,
        message: "EC2 compute environments allocate whole vCPUs: cpu must be an integer.",
      },
      {
        path: "resources.job.properties.resources.memory",
        line: 6,
        column: 38,
        message: "No instance type AWS Batch chooses has more than 786432 MiB.",
      },
      {
        path: "resources.job.properties.resources.gpu",
        line: 6,
        column: 52,
        message: "No instance type has more than 8 GPUs.",
      },
    ]);
  });

  it("rejects event-bus events on a multi-container-workload", () => {
    const yaml =
      "resources:\n  web:\n    type: multi-container-workload\n    properties:\n      resources: { cpu: 1, memory: 2048 }\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image, properties: { image: x } }\n          events:\n            - type: event-bus\n              properties: {}\n";
    const [error] = errorsOf(yaml);
    expect(error).toMatchObject({
      path: "resources.web.properties.containers.0.events.0.type",
      line: 10,
      column: 21,
    });
    expect(error!.message).toMatch(/subscribe an sqs-queue and poll it/);
  });
});

describe("directive errors", () => {
  const withEnv = (value: string, extra = "") =>
    `variables: { name: x }\nresources:\n${bus}  fn:\n    type: function\n    properties:\n      packaging: { type: custom-artifact }\n      environment:\n        - name: A\n          value: ${value}\n${extra}`;

  it("rejects unknown directives with a hint", () => {
    const [error] = errorsOf(withEnv("$Vars().name"));
    expect(error).toMatchObject({
      path: "resources.fn.properties.environment.0.value",
      line: 11,
      column: 18,
    });
    expect(error!.message).toMatch(/^Unknown directive \$Vars\(\)\. Did you mean "Var"\?/);
  });

  it("rejects directives that need the caller's machine", () => {
    for (const d of ["$File('a.json')", "$FileRaw('a')", "$GitInfo('commit')", "$CliArgs('x')"]) {
      const [error] = errorsOf(withEnv(`"${d}"`));
      expect(error).toMatchObject({ line: 11, column: 18 });
      expect(error!.message).toMatch(/reads the caller's machine/);
    }
  });

  it("rejects malformed directives", () => {
    const [error] = errorsOf(withEnv(`"$ResourceParam('bus', 'arn'"`));
    expect(error).toMatchObject({
      line: 11,
      column: 18,
      message: `Invalid directive "$ResourceParam('bus', 'arn'": missing closing parenthesis.`,
    });
  });

  it("rejects directives nested more than two levels", () => {
    const [error] = errorsOf(withEnv(`"$Format('{}', $Format('{}', $Format('{}', 'x')))"`));
    expect(error!.message).toMatch(/nest at most 2 levels/);
  });

  it("checks argument counts and $Format placeholders", () => {
    expect(errorsOf(withEnv(`"$ResourceParam('bus')"`))[0]!.message).toBe(
      "$ResourceParam() takes 2 argument(s), got 1.",
    );
    expect(errorsOf(withEnv(`"$Format('{}-{}', 'a')"`))[0]!.message).toBe(
      "$Format(): the template has 2 {} placeholder(s) but 1 value(s) follow.",
    );
  });

  it("rejects undefined variables", () => {
    const [error] = errorsOf(withEnv("$Var().nope"));
    expect(error).toMatchObject({
      line: 11,
      column: 18,
      message: '$Var(): "nope" is not defined in variables.',
    });
  });

  it("lists the valid params of a resource", () => {
    const [error] = errorsOf(withEnv(`"$ResourceParam('bus', 'archiveArn')"`));
    expect(error).toMatchObject({
      path: "resources.fn.properties.environment.0.value",
      line: 11,
      column: 18,
      message: '$ResourceParam(): "archiveArn" is not a param of event-bus "bus"; valid params are: arn.',
    });
  });

  it("lists arn and archiveArn for an archived bus", () => {
    const yaml = withEnv(`"$ResourceParam('bus', 'name')"`).replace(
      "    type: event-bus\n",
      "    type: event-bus\n    properties: { archivation: { enabled: true } }\n",
    );
    expect(errorsOf(yaml)[0]!.message).toBe(
      '$ResourceParam(): "name" is not a param of event-bus "bus"; valid params are: arn, archiveArn.',
    );
  });

  it("rejects references to missing resources", () => {
    expect(errorsOf(withEnv(`"$ResourceParam('buss', 'arn')"`))[0]!.message).toBe(
      '$ResourceParam(): "buss" is not a resource in this config. Did you mean "bus"?',
    );
    expect(errorsOf(withEnv(`"$Param('nobus', 'EventBus::Name')"`))[0]!.message).toMatch(
      /"nobus" is not a resource/,
    );
    expect(errorsOf(withEnv(`"$Param('bus', 'Name')"`))[0]!.message).toMatch(
      /must look like '<ChildType>::<Attribute>'/,
    );
  });
});
