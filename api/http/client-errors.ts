import type { EventEmitter } from "node:events";
import type { Duplex } from "node:stream";
import { PROBLEM_BASE, PROBLEM_CONTENT_TYPE } from "./problem.js";

/** Node's limit on a request's head (request line and headers): `--max-http-header-size`. */
export const MAX_HEADER_BYTES = 16 * 1024;

const ANSWERS: Record<string, { status: number; reason: string; slug: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    slug: "request-header-fields-too-large",
    detail: `The request line and headers are larger than ${MAX_HEADER_BYTES} bytes.`,
  },
};

/**
 * Requests Node refuses before the app sees them (a head over its limit, malformed HTTP) are
 * answered as problem+json too, where the connection still takes an answer; Node's own answers
 * are bodiless. Anything but an oversized head keeps Node's status: 400, or 408 for a timeout.
 */
export function answerClientErrorsAsProblems(server: EventEmitter): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
    const answer = (err.code && ANSWERS[err.code]) || {
      status: timeout ? 408 : 400,
      reason: timeout ? "Request Timeout" : "Bad Request",
      slug: timeout ? "request-timeout" : "bad-request",
      detail: timeout ? "The request took too long to arrive." : "The request is not valid HTTP.",
    };
    const title = answer.reason.replace(/(?<=\s)\S/g, (c) => c.toLowerCase());
    const body = JSON.stringify({
      type: `${PROBLEM_BASE}${answer.slug}`,
      title,
      status: answer.status,
      detail: answer.detail,
    });
    socket.end(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}
