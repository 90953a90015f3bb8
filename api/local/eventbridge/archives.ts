import type {
  CreateArchiveCommandInput,
  CreateArchiveCommandOutput,
  DeleteArchiveCommandInput,
  DescribeArchiveCommandInput,
  DescribeArchiveCommandOutput,
  UpdateArchiveCommandInput,
  UpdateArchiveCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { archiveArn, busNameOf, resourceNameOf } from "../../eventbridge/arns.js";
import {
  archiveNotFound,
  busNotFound,
  constraintViolation,
  EventBridgeError,
  validation,
} from "../../eventbridge/errors.js";
import { type EngineContext, iso } from "./context.js";
import { compilePattern } from "./patterns.js";
import type { ArchiveRecord } from "./records.js";

type Out<T> = Omit<T, "$metadata">;

const ARCHIVE_NAME = /^[.\-_A-Za-z0-9]{1,48}$/;

function checkRetention(days: number | undefined): number {
  const value = days ?? 0;
  if (!Number.isInteger(value) || value < 0) {
    throw constraintViolation(
      String(value),
      "retentionDays",
      "Member must have value greater than or equal to 0",
    );
  }
  return value;
}

async function existingArchive(ctx: EngineContext, name: string | undefined): Promise<ArchiveRecord> {
  const archive = await ctx.store.getArchive(name ?? "");
  if (!archive) throw archiveNotFound(name ?? "");
  return archive;
}

/**
 * An archive keeps the events of its source bus (all, or those matching its pattern), never
 * replayed ones: AWS adds `{"replay-name":[{"exists":false}]}` to its managed rule; the engine
 * skips archives for replayed events instead.
 */
export async function createArchive(
  ctx: EngineContext,
  input: CreateArchiveCommandInput,
): Promise<Out<CreateArchiveCommandOutput>> {
  const name = input.ArchiveName ?? "";
  if (!ARCHIVE_NAME.test(name)) {
    throw constraintViolation(
      name,
      "archiveName",
      "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
  }
  const source = input.EventSourceArn ?? "";
  const bus = resourceNameOf(source, "event-bus") ?? busNameOf(source);
  const view = await ctx.buses.get(bus);
  if (!view) throw busNotFound(bus);
  if (input.EventPattern) compilePattern(input.EventPattern);
  const retentionDays = checkRetention(input.RetentionDays);
  const now = ctx.now();
  const archive: ArchiveRecord = {
    name,
    arn: archiveArn(ctx.scope, name),
    bus,
    eventSourceArn: view.bus.arn,
    ...(input.Description ? { description: input.Description } : {}),
    ...(input.EventPattern ? { eventPattern: input.EventPattern } : {}),
    retentionDays,
    state: "ENABLED",
    createdAt: iso(now),
    eventCount: 0,
    sizeBytes: 0,
  };
  if (!(await ctx.store.createArchive(archive))) {
    throw new EventBridgeError("ResourceAlreadyExistsException", `Archive ${name} already exists.`);
  }
  ctx.buses.invalidate(bus);
  return { ArchiveArn: archive.arn, State: "ENABLED", CreationTime: now };
}

export async function updateArchive(
  ctx: EngineContext,
  input: UpdateArchiveCommandInput,
): Promise<Out<UpdateArchiveCommandOutput>> {
  if (
    input.EventPattern === undefined &&
    input.RetentionDays === undefined &&
    input.Description === undefined
  ) {
    throw validation("At least one of EventPattern, RetentionDays or Description must be provided.");
  }
  const archive = await existingArchive(ctx, input.ArchiveName);
  if (input.EventPattern) compilePattern(input.EventPattern);
  const updated: ArchiveRecord = {
    ...archive,
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    ...(input.EventPattern !== undefined ? { eventPattern: input.EventPattern } : {}),
    ...(input.RetentionDays !== undefined ? { retentionDays: checkRetention(input.RetentionDays) } : {}),
  };
  if (input.EventPattern === "") delete updated.eventPattern;
  await ctx.store.putArchive(updated);
  ctx.buses.invalidate(archive.bus);
  return { ArchiveArn: archive.arn, State: archive.state, CreationTime: new Date(archive.createdAt) };
}

export async function describeArchive(
  ctx: EngineContext,
  input: DescribeArchiveCommandInput,
): Promise<Out<DescribeArchiveCommandOutput>> {
  const archive = await existingArchive(ctx, input.ArchiveName);
  return {
    ArchiveArn: archive.arn,
    ArchiveName: archive.name,
    EventSourceArn: archive.eventSourceArn,
    ...(archive.description ? { Description: archive.description } : {}),
    ...(archive.eventPattern ? { EventPattern: archive.eventPattern } : {}),
    State: archive.state,
    RetentionDays: archive.retentionDays,
    SizeBytes: archive.sizeBytes,
    EventCount: archive.eventCount,
    CreationTime: new Date(archive.createdAt),
  };
}

export async function deleteArchive(ctx: EngineContext, input: DeleteArchiveCommandInput): Promise<void> {
  const archive = await existingArchive(ctx, input.ArchiveName);
  await ctx.store.deleteArchive(archive);
  ctx.buses.invalidate(archive.bus);
}
