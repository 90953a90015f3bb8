import { z } from "@hono/zod-openapi";

/** An `events` array whose items are discriminated by `type`, naming the supported types on a mismatch. */
export function eventsOf<
  T extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(owner: string, supported: string[], options: T) {
  return z.array(
    z.discriminatedUnion("type", options, {
      error: (issue) =>
        issue.code === "invalid_union"
          ? `Unsupported event type on a ${owner}. Supported types here: ${supported.join(", ")}.`
          : undefined,
    }),
  );
}
