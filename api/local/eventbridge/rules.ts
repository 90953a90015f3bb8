import type {
  DeleteRuleCommandInput,
  DescribeRuleCommandInput,
  DescribeRuleCommandOutput,
  ListRulesCommandInput,
  ListRulesCommandOutput,
  ListTargetsByRuleCommandInput,
  ListTargetsByRuleCommandOutput,
  PutRuleCommandInput,
  PutRuleCommandOutput,
  PutTargetsCommandInput,
  PutTargetsCommandOutput,
  RemoveTargetsCommandInput,
  RemoveTargetsCommandOutput,
  Rule,
  Target,
} from "@aws-sdk/client-eventbridge";
import { busNameOf, DEFAULT_BUS, ruleArn } from "../../eventbridge/arns.js";
import {
  busNotFound,
  constraintViolation,
  limitExceeded,
  ruleNotFound,
  validation,
} from "../../eventbridge/errors.js";
import { checkTargetInput } from "../../eventbridge/input.js";
import { MAX_RULES_PER_BUS } from "../../eventbridge/quotas.js";
import { type EngineContext, iso } from "./context.js";
import { compilePattern } from "./patterns.js";
import type { RuleRecord, RuleState } from "./records.js";
import { InvalidTokenError } from "./store.js";

type Out<T> = Omit<T, "$metadata">;

const NAME = /^[.\-_A-Za-z0-9]+$/;
const NAME_CONSTRAINT = "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+";
const RULE_STATES: RuleState[] = ["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];
/** Targets per rule (not adjustable) and entries per PutTargets / RemoveTargets call. */
export const MAX_TARGETS_PER_RULE = 5;
const MAX_TARGET_ENTRIES = 10;

function checkName(value: string | undefined, member: string, max: number): string {
  const name = value ?? "";
  if (name.length < 1 || name.length > max) {
    throw constraintViolation(
      name,
      member,
      `Member must have length ${name.length < 1 ? "greater than or equal to 1" : `less than or equal to ${max}`}`,
    );
  }
  if (!NAME.test(name)) throw constraintViolation(name, member, NAME_CONSTRAINT);
  return name;
}

async function existingRule(ctx: EngineContext, busName: string | undefined, name: string | undefined) {
  const bus = busNameOf(busName);
  const view = await ctx.buses.get(bus);
  if (!view) throw busNotFound(bus);
  const rule = view.rules.get(name ?? "");
  if (!rule) throw ruleNotFound(name ?? "", bus);
  return rule;
}

export async function putRule(
  ctx: EngineContext,
  input: PutRuleCommandInput,
): Promise<Out<PutRuleCommandOutput>> {
  const name = checkName(input.Name, "name", 64);
  const bus = busNameOf(input.EventBusName);
  const view = await ctx.buses.get(bus);
  if (!view) throw busNotFound(bus);
  if (!input.EventPattern && !input.ScheduleExpression) {
    throw validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (input.ScheduleExpression && bus !== DEFAULT_BUS) {
    throw validation("ScheduleExpression is supported only on the default event bus.");
  }
  if (input.EventPattern) compilePattern(input.EventPattern);
  const state = (input.State ?? "ENABLED") as RuleState;
  if (!RULE_STATES.includes(state)) {
    throw constraintViolation(
      state,
      "state",
      `Member must satisfy enum value set: [${RULE_STATES.join(", ")}]`,
    );
  }
  const previous = view.rules.get(name);
  // Only a new name counts against the quota: PutRule on an existing rule updates it.
  if (!previous && view.rules.size >= MAX_RULES_PER_BUS) throw limitExceeded();
  const rule: RuleRecord = {
    bus,
    name,
    arn: ruleArn(ctx.scope, bus, name),
    ...(input.EventPattern ? { eventPattern: input.EventPattern } : {}),
    ...(input.ScheduleExpression ? { scheduleExpression: input.ScheduleExpression } : {}),
    state,
    ...(input.Description ? { description: input.Description } : {}),
    ...(input.RoleArn ? { roleArn: input.RoleArn } : {}),
    // PutRule replaces the rule's settings but keeps its targets.
    targets: previous?.targets ?? [],
    createdAt: previous?.createdAt ?? iso(ctx.now()),
  };
  await ctx.buses.putRule(rule);
  return { RuleArn: rule.arn };
}

function ruleOut(rule: RuleRecord): Rule {
  return {
    Name: rule.name,
    Arn: rule.arn,
    ...(rule.eventPattern ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description ? { Description: rule.description } : {}),
    ...(rule.roleArn ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.bus,
  };
}

export async function describeRule(
  ctx: EngineContext,
  input: DescribeRuleCommandInput,
): Promise<Out<DescribeRuleCommandOutput>> {
  const rule = await existingRule(ctx, input.EventBusName, input.Name);
  return { ...ruleOut(rule), CreatedBy: ctx.scope.account };
}

export async function listRules(
  ctx: EngineContext,
  input: ListRulesCommandInput,
): Promise<Out<ListRulesCommandOutput>> {
  const bus = busNameOf(input.EventBusName);
  if (!(await ctx.buses.get(bus))) throw busNotFound(bus);
  try {
    const page = await ctx.store.listRules(bus, {
      ...(input.NamePrefix ? { prefix: input.NamePrefix } : {}),
      limit: Math.min(Math.max(input.Limit ?? 100, 1), 100),
      ...(input.NextToken ? { token: input.NextToken } : {}),
    });
    return { Rules: page.items.map(ruleOut), ...(page.next ? { NextToken: page.next } : {}) };
  } catch (err) {
    if (err instanceof InvalidTokenError) throw validation("The NextToken provided is invalid.");
    throw err;
  }
}

/** Deleting a missing rule succeeds; a rule with targets must lose them first, as in AWS. */
export async function deleteRule(ctx: EngineContext, input: DeleteRuleCommandInput): Promise<void> {
  const bus = busNameOf(input.EventBusName);
  const rule = await ctx.store.getRule(bus, input.Name ?? "");
  if (!rule) return;
  if (rule.targets.length > 0) throw validation("Rule can't be deleted since it has targets.");
  await ctx.buses.deleteRule(bus, rule.name);
}

function checkTarget(target: Target, position: number): void {
  const member = `targets.${position}.member`;
  const id = target.Id ?? "";
  if (id.length < 1 || id.length > 64) {
    throw constraintViolation(
      id,
      `${member}.id`,
      `Member must have length ${id.length < 1 ? "greater than or equal to 1" : "less than or equal to 64"}`,
    );
  }
  if (!NAME.test(id)) throw constraintViolation(id, `${member}.id`, NAME_CONSTRAINT);
  if (!target.Arn) throw constraintViolation("null", `${member}.arn`, "Member must not be null");
  checkTargetInput(target);
}

/** Adds or replaces targets by Id; a rule holds at most five. */
export async function putTargets(
  ctx: EngineContext,
  input: PutTargetsCommandInput,
): Promise<Out<PutTargetsCommandOutput>> {
  const targets = input.Targets ?? [];
  if (targets.length < 1 || targets.length > MAX_TARGET_ENTRIES) {
    throw constraintViolation(
      `[${targets.length} targets]`,
      "targets",
      `Member must have length ${targets.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_TARGET_ENTRIES}`}`,
    );
  }
  for (const [i, target] of targets.entries()) checkTarget(target, i + 1);
  const rule = await existingRule(ctx, input.EventBusName, input.Rule);
  const byId = new Map(rule.targets.map((t) => [t.Id!, t]));
  for (const target of targets) byId.set(target.Id!, target);
  if (byId.size > MAX_TARGETS_PER_RULE) throw limitExceeded();
  await ctx.buses.putRule({ ...rule, targets: [...byId.values()] });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function removeTargets(
  ctx: EngineContext,
  input: RemoveTargetsCommandInput,
): Promise<Out<RemoveTargetsCommandOutput>> {
  const rule = await existingRule(ctx, input.EventBusName, input.Rule);
  const ids = new Set(input.Ids ?? []);
  await ctx.buses.putRule({ ...rule, targets: rule.targets.filter((t) => !ids.has(t.Id!)) });
  return { FailedEntryCount: 0, FailedEntries: [] };
}

export async function listTargetsByRule(
  ctx: EngineContext,
  input: ListTargetsByRuleCommandInput,
): Promise<Out<ListTargetsByRuleCommandOutput>> {
  const rule = await existingRule(ctx, input.EventBusName, input.Rule);
  return { Targets: rule.targets };
}
