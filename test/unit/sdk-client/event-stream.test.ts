/** Server-sent events parsing: the cases a real stream splits or formats differently. */
import { describe, expect, it } from "vitest";
import { readEventStream, type ServerSentEvent } from "../../../sdk-client/src/event-stream.js";

/** A body delivered in exactly these chunks. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of readEventStream(stream)) out.push(e);
  return out;
}

describe("readEventStream", () => {
  it("reads named events with ids and data", async () => {
    expect(await all(body('event: stack-event\nid: e1\ndata: {"a":1}\n\nevent: end\ndata: {}\n\n'))).toEqual([
      { event: "stack-event", id: "e1", data: '{"a":1}' },
      { event: "end", id: "e1", data: "{}" },
    ]);
  });

  it("joins multi-line data, defaults the event name, skips comments", async () => {
    expect(await all(body(": keep-alive\n\ndata: one\ndata: two\n\n"))).toEqual([
      { event: "message", id: undefined, data: "one\ntwo" },
    ]);
  });

  it("copes with chunks split anywhere, CRLF split across chunks included", async () => {
    const text = "event: stack-event\r\nid: 7\r\ndata: x\r\n\r\nevent: end\rdata: y\r\r";
    const whole = await all(body(text));
    expect(whole).toEqual([
      { event: "stack-event", id: "7", data: "x" },
      { event: "end", id: "7", data: "y" },
    ]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await all(body(text.slice(0, cut), text.slice(cut)))).toEqual(whole);
    }
  });

  it("drops an event the stream ended in the middle of", async () => {
    expect(await all(body("data: complete\n\ndata: cut off"))).toEqual([
      { event: "message", id: undefined, data: "complete" },
    ]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const e of readEventStream(stream)) {
      expect(e.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
