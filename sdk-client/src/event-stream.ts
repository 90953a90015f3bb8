/** A `text/event-stream` body as events, following the WHATWG server-sent events parsing rules. */

export interface ServerSentEvent {
  /** The `event:` field; "message" when the server sent none. */
  event: string;
  /** The last `id:` seen, as EventSource keeps it. */
  id: string | undefined;
  /** The `data:` lines joined with "\n". */
  data: string;
}

export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  // A streaming TextDecoder rather than TextDecoderStream: the same in Node and browsers, and typed
  // alike by Node's and the DOM's declarations (the portal builds this file against the DOM's).
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = "";
  let lastId: string | undefined;
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      let text =
        buffer + (value ? decoder.decode(value, { stream: true }) : "") + (done ? decoder.decode() : "");
      // A trailing CR may be the first half of a CRLF split across chunks: keep it for the next read.
      const carry = !done && text.endsWith("\r") ? "\r" : "";
      if (carry) text = text.slice(0, -1);
      const lines = text.split(/\r\n|\n|\r/);
      // The last piece has no line end yet; at the end of the stream an unfinished event is dropped.
      buffer = (lines.pop() ?? "") + carry;
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", id: lastId, data: data.join("\n") };
          event = "";
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const fieldValue = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = fieldValue;
          else if (field === "data") data.push(fieldValue);
          else if (field === "id" && !fieldValue.includes("\0")) lastId = fieldValue;
        }
      }
      if (done) return;
    }
  } finally {
    // Stopping early (break, return, throw) closes the connection.
    await reader.cancel().catch(() => {});
  }
}
