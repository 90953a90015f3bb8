/** A deployment's progress as server-sent events (`GET /v1/deployments/{id}/events`). */
import { toSwitchyardError } from "./errors.js";
import { readEventStream } from "./event-stream.js";
import type { Deployment, StackEvent } from "./gen/types.gen.js";

/** What the stream yields: each stack event as it happens, then the final deployment. */
export type DeploymentStreamItem =
  | { type: "stack-event"; event: StackEvent }
  | { type: "end"; deployment: Deployment };

export interface StreamTarget {
  baseUrl: string;
  apiKey?: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

export async function* streamDeploymentEvents(
  target: StreamTarget,
  id: string,
  options: { signal?: AbortSignal; lastEventId?: string } = {},
): AsyncGenerator<DeploymentStreamItem> {
  const headers = new Headers(target.headers);
  headers.set("accept", "text/event-stream");
  if (target.apiKey !== undefined) headers.set("authorization", `Bearer ${target.apiKey}`);
  if (options.lastEventId !== undefined) headers.set("last-event-id", options.lastEventId);
  const url = `${target.baseUrl.replace(/\/+$/, "")}/v1/deployments/${encodeURIComponent(id)}/events`;
  const request = new Request(url, { headers, ...(options.signal ? { signal: options.signal } : {}) });

  const response = await (target.fetch ?? globalThis.fetch)(request);
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the error keeps the text
    }
    throw toSwitchyardError(body, response, request);
  }
  if (!response.body || !response.headers.get("content-type")?.includes("text/event-stream")) {
    throw new Error(`GET ${url} did not answer with an event stream`);
  }
  for await (const message of readEventStream(response.body)) {
    if (message.event === "stack-event") {
      yield { type: "stack-event", event: JSON.parse(message.data) as StackEvent };
    } else if (message.event === "end") {
      yield { type: "end", deployment: JSON.parse(message.data) as Deployment };
      return;
    }
  }
}
