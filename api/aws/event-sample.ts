import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  paginateFilterLogEvents,
} from "@aws-sdk/client-cloudwatch-logs";
import type { RecentEvents } from "../buses/port.js";
import { eventSampleLogGroup } from "../eventbridge/event-sample.js";

const MINUTE_MS = 60_000;
/**
 * How far back a bus's sample is read, newest window first: FilterLogEvents answers oldest first
 * within a window, so a busy bus is read from its last minute only, a quiet one up to 14 days back.
 */
const WINDOWS_MS = [MINUTE_MS, 15 * MINUTE_MS, 60 * MINUTE_MS, 24 * 60 * MINUTE_MS, 14 * 24 * 60 * MINUTE_MS];
/** Events per FilterLogEvents page (its maximum; a page also stops at 1 MB). */
const PAGE_SIZE = 10_000;

const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException"]);

/**
 * Recent events of a bus on AWS, from its event sample (`switchyardEventSample`: every event the bus
 * received, written whole by EventBridge to `/aws/events/<bus>`), read with FilterLogEvents through
 * the SDK's paginator: newest window first, at most `limit` events, until `deadline`. What could not
 * be read (no sample, no permission, throttling, the deadline) is said in `note`, never thrown: a
 * preview answers without the sample rather than fail.
 */
export class CloudWatchLogsEventSample {
  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly now: () => number = Date.now,
  ) {}

  async recentEvents(bus: string, limit: number, deadline = Number.POSITIVE_INFINITY): Promise<RecentEvents> {
    const logGroupName = eventSampleLogGroup(bus);
    const newestFirst: string[] = [];
    let end = this.now();
    let stopped: "deadline" | "throttled" | undefined;
    for (const span of WINDOWS_MS) {
      if (newestFirst.length >= limit) break;
      if (this.now() > deadline) {
        stopped = "deadline";
        break;
      }
      const start = this.now() - span;
      let read: Awaited<ReturnType<CloudWatchLogsEventSample["window"]>>;
      try {
        read = await this.window(logGroupName, start, end, limit - newestFirst.length, deadline);
      } catch (err) {
        const name = (err as Error).name;
        if (newestFirst.length > 0) throw err;
        if (name === "ResourceNotFoundException") {
          return {
            source: "none",
            events: [],
            note: `Bus ${bus} has no event sample (${logGroupName}); enable switchyardEventSample on it to evaluate previews against its recent events on AWS.`,
          };
        }
        if (name === "AccessDeniedException") {
          return { source: "none", events: [], note: `Switchyard may not read ${logGroupName}.` };
        }
        throw err;
      }
      newestFirst.push(...read.events);
      stopped = read.stopped;
      if (stopped) break;
      end = start;
    }
    const note =
      stopped === "deadline"
        ? `Read ${newestFirst.length} event(s) of the sample before the preview's time budget ran out.`
        : stopped === "throttled"
          ? `CloudWatch Logs throttled FilterLogEvents after ${newestFirst.length} event(s) were read; preview again for more.`
          : undefined;
    return { source: "log-sample", events: newestFirst, ...(note ? { note } : {}) };
  }

  /**
   * The newest `want` events of [start, end), newest first, and why reading stopped early: the
   * deadline came before the window's last page, or CloudWatch Logs throttled past the SDK's retries.
   */
  private async window(
    logGroupName: string,
    start: number,
    end: number,
    want: number,
    deadline: number,
  ): Promise<{ events: string[]; stopped?: "deadline" | "throttled" }> {
    let kept: FilteredLogEvent[] = [];
    let stopped: "deadline" | "throttled" | undefined;
    try {
      for await (const page of paginateFilterLogEvents(
        { client: this.client, pageSize: PAGE_SIZE },
        { logGroupName, startTime: start, endTime: end - 1 },
      )) {
        kept.push(...(page.events ?? []));
        // Oldest first: only the last `want` of the window can be among the newest.
        if (kept.length > 2 * want) kept = kept.slice(-want);
        if (page.nextToken && this.now() > deadline) {
          stopped = "deadline";
          break;
        }
      }
    } catch (err) {
      if (!THROTTLED.has((err as Error).name)) throw err;
      stopped = "throttled";
    }
    return { events: newestOf(kept, want), ...(stopped ? { stopped } : {}) };
  }
}

/** Messages of the newest `want` events, newest first (pages interleave streams by timestamp). */
function newestOf(events: FilteredLogEvent[], want: number): string[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (b.e.timestamp ?? 0) - (a.e.timestamp ?? 0) || b.i - a.i)
    .slice(0, want)
    .flatMap(({ e }) => (typeof e.message === "string" ? [e.message] : []));
}
