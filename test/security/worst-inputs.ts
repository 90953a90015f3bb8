/**
 * The limits' worst cases as HTTP requests, one list for every kind of input a tenant sends: config
 * text and config objects (`POST /v1/validate`, which does all that storing a config does and
 * compiles it too), event patterns and events (`POST /v1/test-pattern`). The event-loop test sends
 * them beside /healthz; `npm run bench -- worst-inputs` prints how long each kind holds the loop.
 */
import { HOSTILE_CONFIGS } from "./hostile-configs.js";
import { HOSTILE_EVENTS, HOSTILE_PATTERNS } from "./hostile-patterns.js";

export type InputKind = "config text" | "config object" | "event pattern" | "event";

export interface WorstRequest {
  kind: InputKind;
  name: string;
  path: string;
  contentType: string;
  body: string;
  /** What the request answers. */
  status: number;
}

const REQUEST_BODY_BYTES = 1024 * 1024;

export const WORST_REQUESTS: WorstRequest[] = [
  ...HOSTILE_CONFIGS.map(
    (c): WorstRequest =>
      typeof c.config === "string"
        ? {
            kind: "config text",
            name: c.name,
            path: "/v1/validate",
            contentType: "application/yaml",
            body: c.config,
            status: c.accepted ? 200 : 422,
          }
        : {
            kind: "config object",
            name: c.name,
            path: "/v1/validate",
            contentType: "application/json",
            body: JSON.stringify({ config: c.config }),
            status: c.accepted ? 200 : 422,
          },
  ),
  {
    kind: "config object",
    name: "a JSON body nested as deep as 1 MiB allows (refused before parsing, past 1,100 levels)",
    path: "/v1/validate",
    contentType: "application/json",
    body: `{"config":{"resources":{},"x":${"[".repeat(REQUEST_BODY_BYTES / 2 - 32)}${"]".repeat(REQUEST_BODY_BYTES / 2 - 32)}}}`,
    status: 400,
  },
  {
    kind: "config object",
    name: "a JSON body of 1 MiB of arrays nested 1,000 levels (refused before parsing, past 200,000 arrays)",
    path: "/v1/validate",
    contentType: "application/json",
    body: `{"config":{"resources":{},"x":[${Array(Math.floor(REQUEST_BODY_BYTES / 2002) - 1)
      .fill(`${"[".repeat(1000)}${"]".repeat(1000)}`)
      .join(",")}]}}`,
    status: 400,
  },
  {
    kind: "config object",
    name: "a JSON body of 200,000 arrays nested 1,000 levels (the most it may hold)",
    path: "/v1/validate",
    contentType: "application/json",
    body: `{"config":{"resources":{},"x":[${Array(199)
      .fill(`${"[".repeat(1000)}${"]".repeat(1000)}`)
      .join(",")}]}}`,
    status: 422,
  },
  ...HOSTILE_PATTERNS.map(
    (p): WorstRequest => ({
      kind: "event pattern",
      name: p.name,
      path: "/v1/test-pattern",
      contentType: "application/json",
      body: JSON.stringify({ pattern: p.pattern, event: { o0: { k1: 1 }, f1: 1 } }),
      status: p.accepted ? 200 : 400,
    }),
  ),
  ...HOSTILE_EVENTS.map(
    (e): WorstRequest => ({
      kind: "event",
      name: e.name,
      path: "/v1/test-pattern",
      contentType: "application/json",
      // The event as text inside the body: its numbers keep their digits, as EventBridge reads them.
      body: `{"pattern":${JSON.stringify(e.pattern)},"event":${e.event}}`,
      status: e.refused ? 400 : 200,
    }),
  ),
];
