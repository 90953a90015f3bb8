import { z } from "@hono/zod-openapi";
import { closest } from "../suggest.js";

/**
 * An `events` array whose items are discriminated by `type`, naming the supported types on a
 * mismatch, with the closest one when the type looks misspelled (`sqss` → `sqs`).
 */
export function eventsOf<
  T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(owner: string, supported: string[], options: T) {
  return z.array(
    z.discriminatedUnion("type", options, {
      error: (issue) => {
        if (issue.code !== "invalid_union") return undefined;
        const given = (issue.input as { type?: unknown } | undefined)?.type;
        const hint = typeof given === "string" ? closest(given, supported) : undefined;
        const named = typeof given === "string" ? ` "${given}"` : "";
        return `Unsupported event type${named} on a ${owner}.${hint ? ` Did you mean "${hint}"?` : ""} Supported types here: ${supported.join(", ")}.`;
      },
    }),
  );
}
