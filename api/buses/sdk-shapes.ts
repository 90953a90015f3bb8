import type {
  DescribeReplayResponse,
  PutEventsRequestEntry,
  PutEventsResponse,
  Rule,
  StartReplayRequest,
  Target,
} from "@aws-sdk/client-eventbridge";
import { resourceNameOf } from "../eventbridge/arns.js";
import { JsonText } from "../eventbridge/json-path.js";
import type {
  BusLocation,
  BusRule,
  BusTarget,
  PublishEntry,
  PublishResult,
  ReplayState,
  ReplayStatus,
  StartReplayInput,
} from "./port.js";

/**
 * Translations between the port's shapes and EventBridge's API shapes, shared by both adapters
 * (the local engine speaks the same API as the AWS SDK).
 */

export function putEventsEntries(bus: BusLocation, entries: PublishEntry[]): PutEventsRequestEntry[] {
  return entries.map((e) => ({
    EventBusName: bus.arn,
    Source: e.source,
    DetailType: e.detailType,
    Detail: e.detail,
    ...(e.resources ? { Resources: e.resources } : {}),
    ...(e.time ? { Time: e.time } : {}),
  }));
}

export function publishResult(out: PutEventsResponse): PublishResult {
  return {
    failedEntryCount: out.FailedEntryCount ?? 0,
    entries: (out.Entries ?? []).map((e) =>
      e.EventId
        ? { eventId: e.EventId }
        : { errorCode: e.ErrorCode ?? "InternalFailure", errorMessage: e.ErrorMessage ?? "" },
    ),
  };
}

function parsePattern(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function busTarget(t: Target): BusTarget {
  return {
    id: t.Id ?? "",
    arn: t.Arn ?? "",
    ...(t.Input !== undefined ? { input: t.Input } : {}),
    ...(t.InputPath !== undefined ? { inputPath: t.InputPath } : {}),
    ...(t.InputTransformer
      ? {
          inputTransformer: {
            ...(t.InputTransformer.InputPathsMap ? { inputPathsMap: t.InputTransformer.InputPathsMap } : {}),
            inputTemplate: t.InputTransformer.InputTemplate ?? "",
          },
        }
      : {}),
    ...(t.RetryPolicy
      ? {
          retryPolicy: {
            ...(t.RetryPolicy.MaximumRetryAttempts !== undefined
              ? { maximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts }
              : {}),
            ...(t.RetryPolicy.MaximumEventAgeInSeconds !== undefined
              ? { maximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds }
              : {}),
          },
        }
      : {}),
    ...(t.DeadLetterConfig?.Arn ? { deadLetterArn: t.DeadLetterConfig.Arn } : {}),
  };
}

export function busRule(rule: Rule, targets: Target[]): BusRule {
  return {
    name: rule.Name ?? "",
    arn: rule.Arn ?? "",
    state: rule.State ?? "ENABLED",
    ...(rule.EventPattern !== undefined ? { eventPattern: parsePattern(rule.EventPattern) } : {}),
    ...(rule.ScheduleExpression ? { scheduleExpression: rule.ScheduleExpression } : {}),
    ...(rule.Description ? { description: rule.Description } : {}),
    targets: targets.map(busTarget),
  };
}

export function startReplayRequest(bus: BusLocation, input: StartReplayInput): StartReplayRequest {
  return {
    ReplayName: input.name,
    EventSourceArn: input.archiveArn,
    EventStartTime: input.from,
    EventEndTime: input.to,
    Destination: { Arn: bus.arn, ...(input.ruleArns?.length ? { FilterArns: input.ruleArns } : {}) },
    ...(input.description ? { Description: input.description } : {}),
  };
}

/** DescribeArchive's request for an archive ARN, and what its answer says of retention. */
export const describeArchiveRequest = (archiveArn: string) => ({
  ArchiveName: resourceNameOf(archiveArn, "archive") ?? "",
});
export const archiveRetention = (out: { RetentionDays?: number | undefined }) => ({
  retentionDays: out.RetentionDays ?? 0,
});

/** Runs a Describe call, answering undefined for ResourceNotFoundException. */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if ((err as Error).name === "ResourceNotFoundException") return undefined;
    throw err;
  }
}

export function replayStatus(out: DescribeReplayResponse): ReplayStatus {
  return {
    name: out.ReplayName ?? "",
    arn: out.ReplayArn ?? "",
    state: (out.State ?? "STARTING") as ReplayState,
    ...(out.StateReason ? { stateReason: out.StateReason } : {}),
    archiveArn: out.EventSourceArn ?? "",
    destinationArn: out.Destination?.Arn ?? "",
    ...(out.Destination?.FilterArns?.length ? { ruleArns: out.Destination.FilterArns } : {}),
    from: out.EventStartTime ?? new Date(0),
    to: out.EventEndTime ?? new Date(0),
    ...(out.ReplayStartTime ? { startedAt: out.ReplayStartTime } : {}),
    ...(out.ReplayEndTime ? { endedAt: out.ReplayEndTime } : {}),
    ...(out.EventLastReplayedTime ? { lastReplayedEventTime: out.EventLastReplayedTime } : {}),
  };
}

/**
 * The JSON text of an object with the given members added where it lacks them (TestEventPattern
 * requires a full envelope). Its own members stay as written, numbers digit for digit.
 */
export function withDefaultMembers(objectText: string, defaults: Record<string, unknown>): string {
  const object = new JsonText(objectText);
  const added = Object.entries(defaults)
    .filter(([name]) => object.child(name) === undefined)
    .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`);
  const own = object.json().slice(1, -1);
  return `{${[...added, ...(own ? [own] : [])].join(",")}}`;
}
