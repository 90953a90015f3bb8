import type { Target } from "@aws-sdk/client-eventbridge";
import { validation } from "./errors.js";
import { readJsonPath } from "./json-path.js";

/**
 * What a target receives, as EventBridge builds it (recorded AWS behaviour in
 * conformance/eventbridge-patterns/test_events_inputs.snapshot.json):
 * - no input setting: the whole event;
 * - `Input`: that constant text;
 * - `InputPath`: the JSON at that path of the event;
 * - `InputTransformer`: `InputTemplate` with each `<name>` replaced by the value `InputPathsMap`
 *   extracts, or a predefined `aws.events.*` variable. Inside a JSON string a value is inserted
 *   bare (strings without quotes, objects as `{k:v}`, missing as ""); elsewhere as JSON.
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
    return JSON.stringify(readJsonPath(JSON.parse(ctx.eventText), target.InputPath) ?? null);
  }
  const transformer = target.InputTransformer;
  if (transformer?.InputTemplate === undefined) return ctx.eventText;
  const event = JSON.parse(ctx.eventText) as Record<string, unknown>;
  const values = new Map<string, unknown>();
  for (const [key, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(key, readJsonPath(event, path));
  }
  values.set("aws.events.rule-arn", ctx.ruleArn);
  values.set("aws.events.rule-name", ctx.ruleName);
  values.set("aws.events.event.ingestion-time", ctx.ingestionTime);
  values.set("aws.events.event.json", event);
  values.set("aws.events.event", eventWithoutDetail(event));
  return renderTemplate(transformer.InputTemplate, values);
}

/** `<aws.events.event>`: the envelope without `detail`, keyed as AWS delivers it (`detailType`). */
function eventWithoutDetail(event: Record<string, unknown>): Record<string, unknown> {
  return {
    id: event.id,
    account: event.account,
    detailType: event["detail-type"],
    time: event.time,
    source: event.source,
    region: event.region,
    resources: event.resources,
    version: event.version,
  };
}

/** Replaces the placeholders the template defines, tracking whether each sits inside a JSON string. */
export function renderTemplate(template: string, values: Map<string, unknown>): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === "<") {
      const match = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i));
      if (match && values.has(match[1]!)) {
        const value = values.get(match[1]!);
        out += inString ? bare(value) : JSON.stringify(value ?? null);
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

/** A value as EventBridge writes it inside a string: no quotes, objects as `{k:v}`, lists as `[a,b]`. */
function bare(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return JSON.stringify(value).slice(1, -1);
  if (Array.isArray(value)) return `[${value.map(bare).join(",")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}:${bare(v)}`)
      .join(",")}}`;
  }
  return String(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
