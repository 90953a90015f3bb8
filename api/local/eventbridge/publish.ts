import { randomUUID } from "node:crypto";
import type {
  PutEventsCommandInput,
  PutEventsCommandOutput,
  PutEventsRequestEntry,
  PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { monotonicFactory } from "ulid";
import { busNameOf } from "../../eventbridge/arns.js";
import { checkPutEventsRequest, entryError } from "../../eventbridge/entries.js";
import { compactJson, type EventParts, envelopeText, envelopeTime } from "../../eventbridge/envelope.js";
import { targetInput } from "../../eventbridge/input.js";
import type { BusView } from "./bus-cache.js";
import { type EngineContext, iso } from "./context.js";
import type { ArchivedEvent, ArchiveRecord, DeliveryRecord } from "./records.js";

type Out<T> = Omit<T, "$metadata">;

const deliveryId = monotonicFactory();
const DAY_SECONDS = 86_400;

export interface RouteOptions {
  ingestedAt: Date;
  /** Set for replayed events: they carry `replay-name`, reach only rules, and are never archived. */
  replayName?: string;
  /** Replays may name the rules they go to; undefined means every rule of the bus. */
  onlyRules?: ReadonlySet<string>;
}

export interface Routed {
  deliveries: DeliveryRecord[];
  /** The text of each event delivered, by id (what a dead-letter queue keeps of it). */
  events: Map<string, string>;
  archived: { record: ArchivedEvent; expiresAt?: number; sizeBytes: number }[];
}

/**
 * Sends one event through a bus: every enabled rule whose pattern matches records one delivery per
 * target (with the target's input applied), and every archive that wants it keeps a copy.
 */
export function routeEvent(view: BusView, event: EventParts, options: RouteOptions): Routed {
  const text = envelopeText(event, options.replayName);
  const routed: Routed = { deliveries: [], events: new Map(), archived: [] };
  const deliveredAt = iso(options.ingestedAt);
  const archives: ArchiveRecord[] = options.replayName === undefined ? [...view.archivesOfAll] : [];
  for (const entry of view.index.match(text)) {
    if (entry.kind === "archive") {
      if (options.replayName === undefined && entry.archive.state === "ENABLED") archives.push(entry.archive);
      continue;
    }
    const { rule } = entry;
    if (rule.state === "DISABLED") continue;
    if (options.onlyRules && !options.onlyRules.has(rule.name)) continue;
    routed.events.set(event.id, text);
    for (const target of rule.targets) {
      routed.deliveries.push({
        id: deliveryId(options.ingestedAt.getTime()),
        bus: view.bus.name,
        rule: rule.name,
        ruleArn: rule.arn,
        targetId: target.Id!,
        targetArn: target.Arn!,
        eventId: event.id,
        ...(options.replayName !== undefined ? { replayName: options.replayName } : {}),
        deliveredAt,
        input: targetInput(target, {
          eventText: text,
          ruleArn: rule.arn,
          ruleName: rule.name,
          ingestionTime: deliveredAt,
        }),
      });
    }
  }
  const sizeBytes = Buffer.byteLength(text, "utf8");
  const ingestedSeconds = Math.floor(options.ingestedAt.getTime() / 1000);
  for (const archive of archives) {
    routed.archived.push({
      record: { archive: archive.name, event, ingestedAt: deliveredAt },
      ...(archive.retentionDays > 0
        ? { expiresAt: ingestedSeconds + archive.retentionDays * DAY_SECONDS }
        : {}),
      sizeBytes,
    });
  }
  return routed;
}

function eventOf(ctx: EngineContext, entry: PutEventsRequestEntry, now: Date): EventParts {
  return {
    id: randomUUID(),
    detailType: entry.DetailType!,
    source: entry.Source!,
    account: ctx.scope.account,
    time: envelopeTime(entry.Time ?? now),
    region: ctx.scope.region,
    resources: entry.Resources ?? [],
    detail: compactJson(entry.Detail!),
  };
}

/**
 * PutEvents: request-level checks throw; entry-level problems come back in the entry, in order.
 * An entry for a bus that does not exist gets an EventId and goes nowhere, as in AWS.
 */
export async function putEvents(
  ctx: EngineContext,
  input: PutEventsCommandInput,
): Promise<Out<PutEventsCommandOutput>> {
  checkPutEventsRequest(input.Entries, ctx.maxRequestBytes);
  const now = ctx.now();
  const results: PutEventsResultEntry[] = [];
  const routed: Routed = { deliveries: [], events: new Map(), archived: [] };
  for (const entry of input.Entries!) {
    const error = entryError(entry);
    if (error) {
      results.push(error);
      continue;
    }
    const event = eventOf(ctx, entry, now);
    results.push({ EventId: event.id });
    const view = await ctx.buses.get(busNameOf(entry.EventBusName));
    if (!view) continue;
    const out = routeEvent(view, event, { ingestedAt: now });
    routed.deliveries.push(...out.deliveries);
    for (const [id, text] of out.events) routed.events.set(id, text);
    routed.archived.push(...out.archived);
  }
  await Promise.all([
    ctx.deliveries.record(routed.deliveries, now, routed.events),
    ctx.store.putArchivedEvents(routed.archived),
  ]);
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
}
