import { validateEventPattern } from "../eventbridge/pattern/index.js";
import type { DirectiveUse } from "./directives/load.js";
import { isCall } from "./directives/load.js";
import { referenceableParamNames } from "./params.js";
import type { ConfigPath } from "./problem.js";
import type { EventBusIntegration } from "./schema/event-bus-subscription.js";
import type { Resource, ResourceType, SqsQueueResource } from "./schema/resources.js";
import type { Config } from "./schema/root.js";
import { didYouMean } from "./suggest.js";

export interface PathProblem {
  path: ConfigPath;
  message: string;
}

/** EventBridge's hard maximum for a pattern; the default quota is 2,048. */
const MAX_EVENT_PATTERN_CHARS = 4096;

/** What `connectTo` may name (reference/stacktape.md §3.3, the types this service compiles). */
export const CONNECTABLE_TYPES: readonly ResourceType[] = [
  "event-bus",
  "function",
  "sqs-queue",
  "batch-job",
  "multi-container-workload",
];

/** Rules that span resources: subscriptions, connectTo, API routes, directive references. */
export function checkReferences(config: Config, uses: DirectiveUse[]): PathProblem[] {
  const problems: PathProblem[] = [];
  const names = Object.keys(config.resources);

  const expectResource = (path: ConfigPath, name: string, type: ResourceType, role: string) => {
    const target = config.resources[name];
    if (!target) {
      const candidates = names.filter((n) => config.resources[n]!.type === type);
      problems.push({
        path,
        message: `${role} "${name}" is not a resource in this config.${didYouMean(name, candidates)}`,
      });
    } else if (target.type !== type) {
      problems.push({ path, message: `${role} "${name}" is ${article(target.type)}, not ${article(type)}.` });
    }
  };

  for (const [name, resource] of Object.entries(config.resources)) {
    const base: ConfigPath = ["resources", name, "properties"];
    const props = (resource.properties ?? {}) as {
      connectTo?: string[];
      events?: { type: string; properties: Record<string, unknown> }[];
      redrivePolicy?: { targetSqsQueueName: string };
      containers?: { events?: { type: string; properties: Record<string, unknown> }[] }[];
    };

    props.connectTo?.forEach((target, i) => {
      const path = [...base, "connectTo", i];
      const found = config.resources[target];
      if (!found) {
        problems.push({
          path,
          message: `connectTo "${target}" is not a resource in this config.${didYouMean(target, names)}`,
        });
      } else if (!CONNECTABLE_TYPES.includes(found.type)) {
        problems.push({ path, message: `Resource type "${found.type}" cannot be scoped by connectTo.` });
      } else if (target === name) {
        problems.push({ path, message: "A resource cannot connectTo itself." });
      }
    });

    if (props.redrivePolicy) {
      expectResource(
        [...base, "redrivePolicy", "targetSqsQueueName"],
        props.redrivePolicy.targetSqsQueueName,
        "sqs-queue",
        "targetSqsQueueName",
      );
    }

    props.events?.forEach((event, i) => {
      const path = [...base, "events", i, "properties"];
      if (event.type === "event-bus") {
        problems.push(...checkSubscription(event.properties as EventBusIntegration, path, expectResource));
        if (resource.type === "sqs-queue")
          problems.push(...checkQueueTarget(resource, event.properties, path));
      } else if (event.type === "http-api-gateway") {
        expectResource(
          [...path, "httpApiGatewayName"],
          event.properties.httpApiGatewayName as string,
          "http-api-gateway",
          "httpApiGatewayName",
        );
      }
    });

    // A workload's routes are on its containers.
    props.containers?.forEach((container, c) => {
      container.events?.forEach((event, i) => {
        if (event.type !== "http-api-gateway") return;
        expectResource(
          [...base, "containers", c, "events", i, "properties", "httpApiGatewayName"],
          event.properties.httpApiGatewayName as string,
          "http-api-gateway",
          "httpApiGatewayName",
        );
      });
    });
  }

  for (const use of uses) problems.push(...checkDirectiveReferences(config, use));
  return problems;
}

type ExpectResource = (path: ConfigPath, name: string, type: ResourceType, role: string) => void;

function checkSubscription(
  sub: EventBusIntegration,
  path: ConfigPath,
  expectResource: ExpectResource,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const selectors = [sub.eventBusName, sub.eventBusArn, sub.useDefaultBus].filter(
    (v) => v !== undefined && v !== false,
  );
  if (selectors.length !== 1) {
    problems.push({
      path,
      message:
        "When referencing event bus you must specify exactly one of eventBusName, eventBusArn or useDefaultBus properties.",
    });
  }
  if (sub.eventBusName !== undefined)
    expectResource([...path, "eventBusName"], sub.eventBusName, "event-bus", "eventBusName");
  if (
    sub.eventBusArn !== undefined &&
    !/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]+$/.test(sub.eventBusArn) &&
    !sub.eventBusArn.startsWith("$")
  ) {
    problems.push({
      path: [...path, "eventBusArn"],
      message: `"${sub.eventBusArn}" is not an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>).`,
    });
  }

  const inputs = (["input", "inputPath", "inputTransformer"] as const).filter((k) => sub[k] !== undefined);
  if (inputs.length > 1) {
    problems.push({
      path: [...path, inputs[1]!],
      message: `At most one of input, inputPath or inputTransformer may be set; found ${inputs.join(" and ")}.`,
    });
  }
  if (typeof sub.input === "string" && !isJson(sub.input)) {
    problems.push({ path: [...path, "input"], message: "input must be an object or a valid JSON string." });
  }

  if (sub.onDeliveryFailure) {
    const { sqsQueueArn, sqsQueueName } = sub.onDeliveryFailure;
    if ((sqsQueueArn === undefined) === (sqsQueueName === undefined)) {
      problems.push({
        path: [...path, "onDeliveryFailure"],
        message: "onDeliveryFailure needs exactly one of sqsQueueName or sqsQueueArn.",
      });
    } else if (sqsQueueName !== undefined) {
      expectResource(
        [...path, "onDeliveryFailure", "sqsQueueName"],
        sqsQueueName,
        "sqs-queue",
        "sqsQueueName",
      );
    }
  }

  const patternLength = JSON.stringify(sub.eventPattern).length;
  if (patternLength > MAX_EVENT_PATTERN_CHARS) {
    problems.push({
      path: [...path, "eventPattern"],
      message: `The event pattern is ${patternLength} characters; EventBridge accepts at most ${MAX_EVENT_PATTERN_CHARS} (2,048 unless the quota was raised).`,
    });
  }
  const pattern = validateEventPattern(sub.eventPattern);
  if (!pattern.ok) problems.push({ path: [...path, "eventPattern"], message: pattern.message });
  return problems;
}

/** A FIFO queue needs a message group per delivered event; a standard queue cannot take one. */
function checkQueueTarget(
  queue: SqsQueueResource,
  sub: Record<string, unknown>,
  path: ConfigPath,
): PathProblem[] {
  const fifo = queue.properties?.fifoQueue === true;
  if (fifo && sub.messageGroupId === undefined) {
    return [{ path, message: "A FIFO queue target needs messageGroupId." }];
  }
  if (!fifo && sub.messageGroupId !== undefined) {
    return [
      {
        path: [...path, "messageGroupId"],
        message: "messageGroupId applies only to FIFO queues (fifoQueue: true).",
      },
    ];
  }
  return [];
}

function checkDirectiveReferences(config: Config, use: DirectiveUse): PathProblem[] {
  const calls = [use.call];
  const problems: PathProblem[] = [];
  while (calls.length > 0) {
    const call = calls.pop()!;
    for (const arg of call.args) if (isCall(arg)) calls.push(arg);
    const [first, second] = call.args;
    if (typeof first !== "string") continue;
    if (call.name === "ResourceParam" || call.name === "Param") {
      const resource: Resource | undefined = config.resources[first];
      if (!resource) {
        problems.push({
          path: use.path,
          message: `$${call.name}(): "${first}" is not a resource in this config.${didYouMean(first, Object.keys(config.resources))}`,
        });
        continue;
      }
      if (call.name === "ResourceParam" && typeof second === "string") {
        const valid = referenceableParamNames(resource);
        if (!valid.includes(second)) {
          problems.push({
            path: use.path,
            message: `$ResourceParam(): "${second}" is not a param of ${resource.type} "${first}"; valid params are: ${valid.join(", ") || "(none)"}.`,
          });
        }
      }
      if (
        call.name === "Param" &&
        typeof second === "string" &&
        !/^[A-Za-z0-9]+::[A-Za-z0-9.]+$/.test(second)
      ) {
        problems.push({
          path: use.path,
          message: `$Param(): "${second}" must look like '<ChildType>::<Attribute>', e.g. 'EventBus::Name'.`,
        });
      }
    }
    if (call.name === "CfResourceParam" && !/^[A-Za-z0-9]+$/.test(first)) {
      problems.push({
        path: use.path,
        message: `$CfResourceParam(): "${first}" is not a CloudFormation logical ID.`,
      });
    }
  }
  return problems;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** "an event-bus", "a function". */
const article = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
