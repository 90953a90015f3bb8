import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  ResourceNotFoundException,
  ThrottlingException,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CloudWatchLogsEventSample } from "../../../api/aws/event-sample.js";

/**
 * Reading a bus's event sample on AWS (api/aws/event-sample.ts): FilterLogEvents answers mocked as
 * CloudWatch Logs answers (events oldest first, interleaved across streams, `nextToken` pages,
 * `searchedLogStreams`), each message an event as EventBridge writes it to a log group target.
 */
const logs = mockClient(CloudWatchLogsClient);
afterAll(() => {
  logs.restore();
});
beforeEach(() => logs.reset());

const NOW = Date.parse("2026-12-06T10:00:00Z");
const BUS = "sy-pay--shop--prod-orders";
const meta = { $metadata: { httpStatusCode: 200, requestId: "req-1" } };

/** An event as EventBridge delivers it to a log group: the whole envelope, one JSON line. */
const message = (id: number, at: number) =>
  `{"version":"0","id":"0000000${id}-1111-2222-3333-444444444444","detail-type":"created","source":"shop.orders","account":"123456789012","time":"${new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z")}","region":"eu-west-1","resources":[],"detail":{"id":${id},"amount":12345678901234567891}}`;
const logEvent = (id: number, secondsAgo: number, stream = "a") => ({
  logStreamName: `${stream}1b2c3d4e5f`,
  timestamp: NOW - secondsAgo * 1000,
  message: message(id, NOW - secondsAgo * 1000),
  ingestionTime: NOW - secondsAgo * 1000 + 400,
  eventId: `3757${id}9123${secondsAgo}`,
});
const sample = (now = () => NOW) =>
  new CloudWatchLogsEventSample(new CloudWatchLogsClient({ region: "eu-west-1" }), now);
const idsOf = (events: string[]) =>
  events.map((e) => (JSON.parse(e) as { detail: { id: number } }).detail.id);

describe("a bus's event sample read with FilterLogEvents", () => {
  it("reads the last minute page by page, then older windows, newest first, up to the limit", async () => {
    logs
      .on(FilterLogEventsCommand, { startTime: NOW - 60_000 })
      .resolvesOnce({
        ...meta,
        events: [logEvent(1, 50), logEvent(2, 40, "b")],
        searchedLogStreams: [],
        nextToken: "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7fXuRa4Ro0mXjmg",
      })
      .resolvesOnce({ ...meta, events: [logEvent(3, 10)], searchedLogStreams: [] });
    logs.on(FilterLogEventsCommand, { startTime: NOW - 15 * 60_000 }).resolves({
      ...meta,
      events: [logEvent(4, 800), logEvent(5, 300), logEvent(6, 200, "b")],
      searchedLogStreams: [],
    });
    const got = await sample().recentEvents(BUS, 5);
    expect(got.source).toBe("log-sample");
    expect(got.note).toBeUndefined();
    expect(idsOf(got.events)).toEqual([3, 2, 1, 6, 5]);
    // The message is the event as EventBridge wrote it: its digits are kept.
    expect(got.events[0]).toContain('"amount":12345678901234567891');

    const calls = logs
      .commandCalls(FilterLogEventsCommand)
      .map((c) => c.args[0].input as FilterLogEventsCommandInput);
    expect(calls).toHaveLength(3);
    // (The paginator reuses one input object, so the first call's input now holds the next token.)
    expect(calls[0]).toMatchObject({
      logGroupName: `/aws/events/${BUS}`,
      startTime: NOW - 60_000,
      endTime: NOW - 1,
      limit: 10_000,
    });
    expect(calls[1]!.nextToken).toBe("Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7fXuRa4Ro0mXjmg");
    expect(calls[2]).toMatchObject({ startTime: NOW - 15 * 60_000, endTime: NOW - 60_000 - 1 });
  });

  it("reaches back up to 14 days for a quiet bus, and stops there", async () => {
    logs.on(FilterLogEventsCommand).resolves({ ...meta, events: [], searchedLogStreams: [] });
    logs
      .on(FilterLogEventsCommand, { startTime: NOW - 86_400_000 })
      .resolves({ ...meta, events: [logEvent(7, 7200)], searchedLogStreams: [] });
    const got = await sample().recentEvents(BUS, 100);
    expect(idsOf(got.events)).toEqual([7]);
    const starts = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime);
    expect(starts).toEqual([60_000, 900_000, 3_600_000, 86_400_000, 14 * 86_400_000].map((ms) => NOW - ms));
  });

  it("stops at the deadline with what it read, saying so", async () => {
    let clock = NOW;
    logs.on(FilterLogEventsCommand).callsFake(() => {
      clock += 1500; // each page takes 1.5 s
      return {
        ...meta,
        events: [logEvent(Math.round(clock / 1000) % 100, 5)],
        nextToken: "more",
        searchedLogStreams: [],
      };
    });
    const got = await sample(() => clock).recentEvents(BUS, 100, NOW + 2000);
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(2);
    expect(got.events).toHaveLength(2);
    expect(got.note).toMatch(/time budget/);
  });

  it("answers with what it read when CloudWatch Logs throttles, and never throws for it", async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ ...meta, events: [logEvent(1, 30)], nextToken: "next", searchedLogStreams: [] })
      .rejects(new ThrottlingException({ $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }));
    const got = await sample().recentEvents(BUS, 10);
    expect(got).toEqual({
      source: "log-sample",
      events: [message(1, NOW - 30_000)],
      note: expect.stringMatching(/throttled/),
    });
  });

  it("says the bus has no sample when its log group does not exist", async () => {
    logs.on(FilterLogEventsCommand).rejects(
      new ResourceNotFoundException({
        $metadata: { httpStatusCode: 400 },
        message: "The specified log group does not exist.",
      }),
    );
    const got = await sample().recentEvents(BUS, 10);
    expect(got).toEqual({ source: "none", events: [], note: expect.stringMatching(/switchyardEventSample/) });
  });
});
