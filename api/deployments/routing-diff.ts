/**
 * What a preview changes in routing: the event rules (AWS::Events::Rule) a new template adds,
 * changes or removes against the one the stage runs, each with its pattern and targets as a reader
 * wants them (logical IDs instead of intrinsics), and, given recent events of the rules' buses, how
 * many of them each rule matches before and after, with a few events whose routing changes. Pure.
 */
import {
  type CompiledPattern,
  matchesEventPattern,
  validateEventPattern,
} from "../eventbridge/pattern/index.js";
import type { Template } from "./port.js";

export interface RoutedTarget {
  id: string;
  /** The target's ARN, or the resource it names (`MyQueue.Arn`) when the template computes it. */
  arn: string;
}

export interface RuleSide {
  /** The rule's physical name when the template sets one. */
  name?: string;
  /** The physical name of the bus it is on (`default` when none is named). */
  bus: string;
  eventPattern?: unknown;
  scheduleExpression?: string;
  state: string;
  targets: RoutedTarget[];
}

export interface EventSample {
  /** Recent events of the rule's bus evaluated. */
  events: number;
  matchedBefore: number;
  matchedAfter: number;
  /** A few events the rule matched before and not after, or after and not before. */
  examples: { event: unknown; matchedBefore: boolean; matchedAfter: boolean }[];
}

export interface RuleChange {
  /** The rule's logical ID in the template. */
  rule: string;
  change: "added" | "changed" | "removed";
  /** For a changed rule: what differs. */
  changed?: ("eventPattern" | "targets" | "state" | "bus" | "scheduleExpression")[];
  before?: RuleSide;
  after?: RuleSide;
  /** Present when recent events of its bus were evaluated. */
  sample?: EventSample;
}

export interface BusSample {
  bus: string;
  /** Where the events came from (`archive`, `delivery-log`, `log-sample`), or `none`. */
  source: string;
  events: number;
  /** Why there is no sample, when there is none. */
  note?: string;
}

export interface RoutingDiff {
  rules: RuleChange[];
  /** The events each bus's rules were evaluated against. */
  samples: BusSample[];
}

/** Recent events of a bus, as JSON text, newest first, read by `deadline`; `source` says where they came from. */
export type RecentEvents = (
  bus: string,
  limit: number,
  deadline: number,
) => Promise<{ source: string; events: string[]; note?: string }>;

/** Events that change routing shown per rule. */
const EXAMPLES_PER_RULE = 3;

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

const resourcesOf = (t: Template | undefined): Resources =>
  ((t as { Resources?: Resources } | undefined)?.Resources ?? {}) as Resources;

/** A template value as a reader wants it: `X` for a Ref, `X.Arn` for a GetAtt, the text of a Sub. */
function readable(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === "string") return v.Ref;
    const att = v["Fn::GetAtt"];
    if (Array.isArray(att)) return att.join(".");
    if (typeof att === "string") return att;
    const sub = v["Fn::Sub"];
    if (typeof sub === "string") return sub;
    if (Array.isArray(sub) && typeof sub[0] === "string") return sub[0];
  }
  return JSON.stringify(value);
}

/** The bus a rule's EventBusName names: a name, an ARN, or a reference to a bus of the template. */
function busName(value: unknown, resources: Resources): string {
  if (value === undefined) return "default";
  if (typeof value === "string")
    return value.includes(":event-bus/") ? value.split(":event-bus/")[1]! : value;
  const ref = readable(value).split(".")[0]!;
  const bus = Object.hasOwn(resources, ref) ? resources[ref] : undefined;
  const name = bus?.Type === "AWS::Events::EventBus" ? bus.Properties?.Name : undefined;
  return typeof name === "string" ? name : ref;
}

function rulesOf(template: Template | undefined): Map<string, RuleSide> {
  const resources = resourcesOf(template);
  const rules = new Map<string, RuleSide>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource?.Type !== "AWS::Events::Rule") continue;
    const p = resource.Properties ?? {};
    const targets = Array.isArray(p.Targets) ? (p.Targets as Record<string, unknown>[]) : [];
    rules.set(id, {
      ...(typeof p.Name === "string" ? { name: p.Name } : {}),
      bus: busName(p.EventBusName, resources),
      ...(p.EventPattern !== undefined ? { eventPattern: p.EventPattern } : {}),
      ...(typeof p.ScheduleExpression === "string" ? { scheduleExpression: p.ScheduleExpression } : {}),
      state: typeof p.State === "string" ? p.State : "ENABLED",
      targets: targets.map((t) => ({ id: readable(t.Id), arn: readable(t.Arn) })),
    });
  }
  return rules;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The rules `after` adds, changes or removes against `before`, without samples. */
export function ruleChanges(before: Template | undefined, after: Template): RuleChange[] {
  const old = rulesOf(before);
  const next = rulesOf(after);
  const changes: RuleChange[] = [];
  for (const [rule, side] of next) {
    const was = old.get(rule);
    if (!was) {
      changes.push({ rule, change: "added", after: side });
      continue;
    }
    const changed = (["eventPattern", "targets", "state", "bus", "scheduleExpression"] as const).filter(
      (k) => !same(was[k], side[k]),
    );
    if (changed.length > 0) changes.push({ rule, change: "changed", changed, before: was, after: side });
  }
  for (const [rule, side] of old) {
    if (!next.has(rule)) changes.push({ rule, change: "removed", before: side });
  }
  return changes;
}

/** The pattern a rule side matches with; undefined when it matches nothing (disabled, scheduled). */
function matcherOf(side: RuleSide | undefined): CompiledPattern | undefined {
  if (side?.state !== "ENABLED" || side.eventPattern === undefined) return undefined;
  // A pattern the template computes (an intrinsic inside it) cannot be evaluated here.
  const checked = validateEventPattern(side.eventPattern);
  return checked.ok ? checked.pattern : undefined;
}

/**
 * The routing diff of a preview: each rule change, evaluated against at most `limit` recent events
 * of its bus. Reading and evaluating stop at `deadline` (epoch ms): what was done by then is reported.
 */
export async function routingDiff(
  before: Template | undefined,
  after: Template,
  recent: RecentEvents | undefined,
  options: { limit: number; deadline: number; now: () => number },
): Promise<RoutingDiff> {
  const rules = ruleChanges(before, after);
  const buses = [...new Set(rules.map((r) => (r.after ?? r.before)!.bus))];
  const samples: BusSample[] = [];
  const eventsOf = new Map<string, { text: string; value: unknown }[]>();
  for (const bus of buses) {
    if (!recent || options.limit === 0) {
      samples.push({ bus, source: "none", events: 0, note: "No recent events were asked for." });
      continue;
    }
    const got = await recent(bus, options.limit, options.deadline);
    const events = got.events.slice(0, options.limit).flatMap((text) => {
      try {
        return [{ text, value: JSON.parse(text) as unknown }];
      } catch {
        return [];
      }
    });
    eventsOf.set(bus, events);
    samples.push({ bus, source: got.source, events: events.length, ...(got.note ? { note: got.note } : {}) });
  }
  for (const change of rules) {
    const events = eventsOf.get((change.after ?? change.before)!.bus);
    if (!events) continue;
    const [was, now] = [matcherOf(change.before), matcherOf(change.after)];
    const sample: EventSample = { events: 0, matchedBefore: 0, matchedAfter: 0, examples: [] };
    for (const event of events) {
      if (options.now() > options.deadline) break;
      const matchedBefore = was ? matchesEventPattern(was, event.text) : false;
      const matchedAfter = now ? matchesEventPattern(now, event.text) : false;
      sample.events++;
      if (matchedBefore) sample.matchedBefore++;
      if (matchedAfter) sample.matchedAfter++;
      if (matchedBefore !== matchedAfter && sample.examples.length < EXAMPLES_PER_RULE) {
        sample.examples.push({ event: event.value, matchedBefore, matchedAfter });
      }
    }
    change.sample = sample;
  }
  return { rules, samples };
}
