import type { Target } from "@aws-sdk/client-eventbridge";
import { validation } from "./errors.js";
import { JsonText } from "./json-path.js";
import { JsonTextTokenSource } from "./pattern/json-lexer.js";
import type { TokenKind } from "./pattern/tokens.js";

/**
 * What a target receives, as EventBridge builds it (recorded AWS behaviour in
 * conformance/eventbridge-patterns/test_events_inputs.snapshot.json):
 * - no input setting: the whole event;
 * - `Input`: that constant text;
 * - `InputPath`: the JSON at that path of the event;
 * - `InputTransformer`: `InputTemplate` with each `<name>` replaced by the value `InputPathsMap`
 *   extracts, or a predefined `aws.events.*` variable. Inside a JSON string a value is inserted
 *   bare (strings without quotes, objects as `{k:v}`, missing as ""); elsewhere as JSON.
 * Paths are read on the event's text (JsonText), so numbers reach the target with their digits.
 */
export interface DeliveryContext {
  /** The event as delivered without transformation (envelope text). */
  eventText: string;
  ruleArn: string;
  ruleName: string;
  /** When EventBridge received the event (ISO). */
  ingestionTime: string;
}

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

const PREDEFINED = new Set([
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event",
  "aws.events.event.json",
  "aws.events.event.ingestion-time",
]);

/** PutTargets' checks on how a target shapes its input; throws AWS's ValidationException. */
export function checkTargetInput(target: Target): void {
  const settings = [target.Input, target.InputPath, target.InputTransformer].filter((s) => s !== undefined);
  if (settings.length > 1) {
    throw validation(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${target.Id}.`,
    );
  }
  if (target.Input !== undefined && !isJson(target.Input)) {
    throw validation(`Input for target ${target.Id} is not valid JSON text.`);
  }
  const transformer = target.InputTransformer;
  if (!transformer) return;
  if (!transformer.InputTemplate) {
    throw validation(`InputTemplate for target ${target.Id} must be provided.`);
  }
  const paths = transformer.InputPathsMap ?? {};
  for (const [key, path] of Object.entries(paths)) {
    if (!path.startsWith("$")) {
      throw validation(`InputPathsMap for target ${target.Id} contains invalid path ${path} for key ${key}.`);
    }
  }
  for (const [, name] of transformer.InputTemplate.matchAll(PLACEHOLDER)) {
    if (!(name! in paths) && !PREDEFINED.has(name!)) {
      throw validation(`InputTemplate for target ${target.Id} contains invalid placeholder ${name}.`);
    }
  }
}

/** The text the target receives for this event. */
export function targetInput(target: Target, ctx: DeliveryContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    return new JsonText(ctx.eventText).at(target.InputPath)?.json() ?? "null";
  }
  const transformer = target.InputTransformer;
  if (transformer?.InputTemplate === undefined) return ctx.eventText;
  // Read from the event's text, not JSON.parse's reading, so selected numbers keep their digits.
  const event = new JsonText(ctx.eventText);
  const values = new Map<string, JsonText | undefined>();
  for (const [key, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(key, event.at(path));
  }
  values.set("aws.events.rule-arn", jsonString(ctx.ruleArn));
  values.set("aws.events.rule-name", jsonString(ctx.ruleName));
  values.set("aws.events.event.ingestion-time", jsonString(ctx.ingestionTime));
  values.set("aws.events.event.json", event);
  values.set("aws.events.event", eventWithoutDetail(event));
  return renderTemplate(transformer.InputTemplate, values);
}

const jsonString = (text: string) => new JsonText(JSON.stringify(text));

/** `<aws.events.event>`'s members in AWS's order: the envelope's names, `detail-type` as `detailType`. */
const EVENT_MEMBERS = [
  ["id", "id"],
  ["account", "account"],
  ["detailType", "detail-type"],
  ["time", "time"],
  ["source", "source"],
  ["region", "region"],
  ["resources", "resources"],
  ["version", "version"],
] as const;

/** `<aws.events.event>`: the envelope without `detail`, keyed as AWS delivers it (`detailType`). */
function eventWithoutDetail(event: JsonText): JsonText {
  const members = EVENT_MEMBERS.flatMap(([name, member]) => {
    const value = event.child(member);
    return value ? [`${JSON.stringify(name)}:${value.json()}`] : [];
  });
  return new JsonText(`{${members.join(",")}}`);
}

/**
 * Replaces the placeholders the template defines, tracking whether each sits inside a JSON string:
 * there a value is written bare, elsewhere as its JSON text (a missing one as `null`).
 */
export function renderTemplate(template: string, values: Map<string, JsonText | undefined>): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "<") {
      const match = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i));
      if (match && values.has(match[1]!)) {
        const value = values.get(match[1]!);
        out += inString ? bare(value) : (value?.json() ?? "null");
        i += match[0].length - 1;
        continue;
      }
    }
    if (inString && ch === "\\") {
      out += ch + (template[i + 1] ?? "");
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
  }
  return out;
}

/**
 * A value as EventBridge writes it inside a string: no quotes, objects as `{k:v}`, lists as `[a,b]`,
 * null and missing as nothing; numbers as written.
 */
function bare(value: JsonText | undefined): string {
  if (!value) return "";
  const source = new JsonTextTokenSource(value.json());
  return bareValue(source, source.next());
}

function bareValue(source: JsonTextTokenSource, token: TokenKind | null): string {
  switch (token) {
    case "string":
      return JSON.stringify(source.text()).slice(1, -1);
    case "null":
    case null:
      return "";
    case "[": {
      const items: string[] = [];
      for (let t = source.next(); t !== "]" && t !== null; t = source.next())
        items.push(bareValue(source, t));
      return `[${items.join(",")}]`;
    }
    case "{": {
      // A repeated member counts once, the last one, as in the event's reading everywhere else.
      const members = new Map<string, string>();
      for (let t = source.next(); t === "field"; t = source.next()) {
        const name = source.text();
        members.set(name, bareValue(source, source.next()));
      }
      return `{${[...members].map(([name, v]) => `${name}:${v}`).join(",")}}`;
    }
    default:
      // Numbers in their source digits, true and false.
      return source.text();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
